namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// Sun events of one calendar date at one place, as UTC instants. Sunrise and sunset are null on a polar day or
/// night (never in São Paulo state, but the calculator is general).
/// </summary>
public sealed record SolarDay(DateOnly Date, DateTimeOffset SolarNoon, DateTimeOffset? Sunrise, DateTimeOffset? Sunset);
