using CidadesInteligentes.Cloud.Domain.Energy;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// The numeric figures of each report section as (API name, value), in the order every format shows them, so JSON
/// and CSV cannot drift apart.
/// </summary>
internal static class ReportFigures
{
    public static (string Name, double? Value)[] Savings(CitySavings s) =>
    [
        ("measuredKwh", s.MeasuredKwh),
        ("baselineKwh", s.BaselineKwh),
        ("savingsKwh", s.SavingsKwh),
        ("savingsBrl", s.SavingsBrl),
        ("burningHours", s.BurningHours),
        ("aneelBaselineKwh", s.AneelBaselineKwh),
        ("aneelLedKwh", s.AneelLedKwh),
        ("aneelSavingsKwh", s.AneelSavingsKwh),
        ("spendBeforeBrl", s.SpendBeforeBrl),
        ("spendAfterBrl", s.SpendAfterBrl),
        ("billSavingsBrl", s.BillSavingsBrl),
        ("spendToRevenueBefore", s.SpendToRevenueBefore),
        ("spendToRevenueAfter", s.SpendToRevenueAfter),
        ("savingsPercentOfRevenue", s.SavingsPercentOfRevenue),
        ("costToCip", s.CostToCip),
        ("paybackMonths", s.PaybackMonths),
        ("co2AvoidedT", s.Co2AvoidedT),
        ("completeness", s.Completeness),
    ];

    public static (string Name, double? Value)[] State(StateSavings s) =>
    [
        ("measuredKwh", s.MeasuredKwh),
        ("baselineKwh", s.BaselineKwh),
        ("savingsKwh", s.SavingsKwh),
        ("savingsBrl", s.SavingsBrl),
        ("aneelBaselineKwh", s.AneelBaselineKwh),
        ("aneelLedKwh", s.AneelLedKwh),
        ("spendBeforeBrl", s.SpendBeforeBrl),
        ("spendAfterBrl", s.SpendAfterBrl),
        ("billSavingsBrl", s.BillSavingsBrl),
        ("co2AvoidedT", s.Co2AvoidedT),
        ("completeness", s.Completeness),
    ];

    public static (string Name, double? Value)[] Row(StateCityRow c) =>
    [
        ("wifiCompleteness", c.WifiCompleteness),
        ("savingsKwh", c.SavingsKwh),
        ("savingsBrl", c.SavingsBrl),
        ("billSavingsBrl", c.BillSavingsBrl),
        ("savingsPercentOfRevenue", c.SavingsPercentOfRevenue),
        ("costToCip", c.CostToCip),
        ("paybackMonths", c.PaybackMonths),
        ("co2AvoidedT", c.Co2AvoidedT),
        ("energyCompleteness", c.EnergyCompleteness),
    ];
}
