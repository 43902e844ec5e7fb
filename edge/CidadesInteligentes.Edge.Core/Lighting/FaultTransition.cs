namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>A fault starting (<paramref name="Active"/> true) or clearing; becomes one contract Event.</summary>
public readonly record struct FaultTransition(string Type, bool Active, DateTimeOffset At, string Detail);
