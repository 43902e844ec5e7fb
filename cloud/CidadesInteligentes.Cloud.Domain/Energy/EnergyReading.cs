namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>One luminaire telemetry sample reduced to what savings need: its cumulative registers.</summary>
public readonly record struct EnergyReading(long Seq, DateTimeOffset Ts, double EnergyWh, long BurnSeconds);
