namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>
/// A city's energy and money figures for one month (docs/domain.md). Property names serialise to the API's
/// field names. Ratios (<see cref="Completeness"/>, spend-to-revenue) are fractions; the percent is named so.
/// </summary>
public sealed class CitySavings
{
    public required string Ibge { get; init; }
    public required string Name { get; init; }
    public required string Month { get; init; }
    public double MeasuredKwh { get; init; }
    public double BaselineKwh { get; init; }
    public double SavingsKwh { get; init; }
    public double SavingsBrl { get; init; }
    public double BurningHours { get; init; }
    public double AneelBaselineKwh { get; init; }
    public double AneelLedKwh { get; init; }
    public double AneelSavingsKwh { get; init; }
    public double SpendBeforeBrl { get; init; }
    public double SpendAfterBrl { get; init; }
    public double BillSavingsBrl { get; init; }
    public double SpendToRevenueBefore { get; init; }
    public double SpendToRevenueAfter { get; init; }
    public double SavingsPercentOfRevenue { get; init; }
    public double? CostToCip { get; init; }

    /// <summary>Financing ÷ monthly bill savings; null when nothing is saved (no payback).</summary>
    public double? PaybackMonths { get; init; }

    public double Co2AvoidedT { get; init; }
    public double Completeness { get; init; }
    public int ReportingLuminaires { get; init; }
    public int InventoryLuminaires { get; init; }
    public IReadOnlyList<SavingsAdjustment> Adjustments { get; init; } = [];
    public IReadOnlyList<DailySavings> Daily { get; init; } = [];
}
