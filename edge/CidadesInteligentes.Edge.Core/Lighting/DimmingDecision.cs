namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>What the controller wants applied now, and why (for logs and the dashboard).</summary>
public readonly record struct DimmingDecision(bool LampOn, int DimPercent, string Reason);
