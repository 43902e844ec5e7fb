namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// An operator's hold on the lamp (command <c>setOverride</c>): this level until <see cref="ExpiresAt"/>, then the
/// program again. Level 0 holds the lamp off.
/// </summary>
public sealed record LightingOverride(int DimPercent, DateTimeOffset ExpiresAt, string? CommandId = null)
{
    public bool IsActiveAt(DateTimeOffset now) => now < ExpiresAt;
}
