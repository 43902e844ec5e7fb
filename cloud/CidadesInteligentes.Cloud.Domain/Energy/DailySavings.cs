namespace CidadesInteligentes.Cloud.Domain.Energy;

public sealed record DailySavings(DateOnly Date, double MeasuredKwh, double BaselineKwh, double AneelBaselineKwh);
