namespace CidadesInteligentes.Cloud.Reports;

/// <summary>One city's line in the state report (figures copied from its <see cref="CityReport"/>).</summary>
public sealed record StateCityRow(
    string Ibge,
    string Name,
    bool Compliant,
    int CompliantPoints,
    int RequiredPoints,
    double WifiCompleteness,
    double SavingsKwh,
    double SavingsBrl,
    double BillSavingsBrl,
    double SavingsPercentOfRevenue,
    double? CostToCip,
    double? PaybackMonths,
    double Co2AvoidedT,
    double EnergyCompleteness,
    bool ExampleValues,
    string Digest);
