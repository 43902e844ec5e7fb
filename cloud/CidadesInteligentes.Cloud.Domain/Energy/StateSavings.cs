namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>Programme-wide sums of city savings for one month.</summary>
public sealed class StateSavings
{
    public required string Month { get; init; }
    public int Cities { get; init; }
    public double MeasuredKwh { get; init; }
    public double BaselineKwh { get; init; }
    public double SavingsKwh { get; init; }
    public double SavingsBrl { get; init; }
    public double AneelBaselineKwh { get; init; }
    public double AneelLedKwh { get; init; }
    public double SpendBeforeBrl { get; init; }
    public double SpendAfterBrl { get; init; }
    public double BillSavingsBrl { get; init; }
    public double Co2AvoidedT { get; init; }
    public int ReportingLuminaires { get; init; }
    public int InventoryLuminaires { get; init; }

    /// <summary>Inventory-weighted completeness (complete luminaire-days ÷ inventory luminaire-days, all cities).</summary>
    public double Completeness { get; init; }

    public static StateSavings Aggregate(string month, IEnumerable<CitySavings> cities)
    {
        ArgumentNullException.ThrowIfNull(cities);
        int n = 0, reporting = 0, inventory = 0;
        double measured = 0, baseline = 0, savings = 0, savingsBrl = 0, aneel = 0, aneelLed = 0, before = 0, after = 0, bill = 0, co2 = 0, weighted = 0;
        foreach (var c in cities)
        {
            n++;
            measured += c.MeasuredKwh;
            baseline += c.BaselineKwh;
            savings += c.SavingsKwh;
            savingsBrl += c.SavingsBrl;
            aneel += c.AneelBaselineKwh;
            aneelLed += c.AneelLedKwh;
            before += c.SpendBeforeBrl;
            after += c.SpendAfterBrl;
            bill += c.BillSavingsBrl;
            co2 += c.Co2AvoidedT;
            reporting += c.ReportingLuminaires;
            inventory += c.InventoryLuminaires;
            weighted += c.Completeness * c.InventoryLuminaires;
        }
        return new StateSavings
        {
            Month = month, Cities = n, MeasuredKwh = measured, BaselineKwh = baseline, SavingsKwh = savings,
            SavingsBrl = savingsBrl, AneelBaselineKwh = aneel, AneelLedKwh = aneelLed, SpendBeforeBrl = before,
            SpendAfterBrl = after, BillSavingsBrl = bill, Co2AvoidedT = co2, ReportingLuminaires = reporting,
            InventoryLuminaires = inventory, Completeness = inventory == 0 ? 0 : weighted / inventory,
        };
    }
}
