using System.Globalization;
using CidadesInteligentes.Cloud.Domain.Registry;

namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>
/// IPMVP Option B savings, the ANEEL estimated-billing view and the money ratios of docs/domain.md, for one city-month.
/// </summary>
public static class SavingsCalculator
{
    /// <param name="city">Registry figures (tariff, hours, revenue, CIP, financing, emission factor, time zone).</param>
    /// <param name="month"><c>YYYY-MM</c> in the city's time zone.</param>
    /// <param name="inventory">Every luminaire of the city (reporting or not).</param>
    /// <param name="readings">Readings per device id; include the last reading before the month and the first after it
    /// so the steps across the month's edges are counted.</param>
    /// <param name="adjustments">Audited baseline adjustments (may be for any city; only inventory devices are used).</param>
    /// <param name="until">End the period early (the current month so far): the ANEEL views count only the time before
    /// it and completeness only the days that ended by then; null = the whole month.</param>
    public static CitySavings Compute(
        CityRecord city,
        string month,
        IReadOnlyList<LuminaireRecord> inventory,
        IReadOnlyDictionary<string, IReadOnlyList<EnergyReading>> readings,
        IReadOnlyList<BaselineAdjustment> adjustments,
        DateTimeOffset? until = null)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(readings);
        var m = LocalMonth.Parse(month, city.TimeZone);
        var energies = new Dictionary<string, LuminaireMonth>(StringComparer.Ordinal);
        EnergyReading[]? buffer = null;
        foreach (var lum in inventory)
        {
            if (!energies.ContainsKey(lum.Id) && LuminaireMonth.FromReadings(lum.Id, m, readings.GetValueOrDefault(lum.Id), ref buffer) is { } energy)
            {
                energies[lum.Id] = energy;
            }
        }
        return Aggregate(city, m, inventory, energies, adjustments, until);
    }

    /// <summary>
    /// The city-month from each luminaire's month already computed (<see cref="LuminaireMonth"/>, by device id; a
    /// luminaire without one had no reading). <see cref="Compute"/> builds them from readings; the cloud keeps them up
    /// to date as telemetry arrives, so a dashboard's refresh does not read the month again.
    /// </summary>
    public static CitySavings Aggregate(
        CityRecord city,
        LocalMonth m,
        IReadOnlyList<LuminaireRecord> inventory,
        IReadOnlyDictionary<string, LuminaireMonth> energies,
        IReadOnlyList<BaselineAdjustment> adjustments,
        DateTimeOffset? until = null)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(energies);
        ArgumentNullException.ThrowIfNull(adjustments);
        var days = m.Days;
        var dailyMeasuredWh = new double[days];
        var dailyBaselineWh = new double[days];
        var dailyAneelWh = new double[days];
        double aneelLedWh = 0, burnHours = 0;
        int reporting = 0, completeDays = 0;
        var notes = new List<SavingsAdjustment>();
        var byDevice = IndexAdjustments(adjustments);
        var baseW = new double[days];
        var ledW = new double[days];
        var (elapsed, endedDays) = Elapsed(m, until);
        foreach (var lum in inventory)
        {
            PowerPerDay(lum, m, byDevice, baseW, ledW, notes);
            for (var d = 0; d < days; d++)
            {
                dailyAneelWh[d] += baseW[d] * city.AneelHoursPerDay * elapsed[d];
                aneelLedWh += ledW[d] * city.AneelHoursPerDay * elapsed[d];
            }
            if (!energies.TryGetValue(lum.Id, out var energy))
            {
                continue;
            }
            if (energy.Month.Label != m.Label)
            {
                throw new ArgumentException($"luminaire {lum.Id}: its energy is for {energy.Month.Label}, not {m.Label}", nameof(energies));
            }
            notes.AddRange(energy.Notes);
            completeDays += energy.CompleteDays(endedDays);
            if (!energy.Reported)
            {
                continue;
            }
            reporting++;
            for (var d = 0; d < days; d++)
            {
                dailyMeasuredWh[d] += energy.MeasuredWh[d];
                // Option B: the legacy lamp at full power for the hours the LED actually burned
                dailyBaselineWh[d] += baseW[d] * energy.BurnHours[d];
                burnHours += energy.BurnHours[d];
            }
        }
        // the days listed are those that have begun: a month so far has no zero rows for days still to come
        var daily = new DailySavings[elapsed.Count(static share => share > 0)];
        double measuredWh = 0, baselineWh = 0, aneelWh = 0;
        for (var d = 0; d < days; d++)
        {
            if (d < daily.Length)
            {
                daily[d] = new DailySavings(m.Date(d), dailyMeasuredWh[d] / 1000, dailyBaselineWh[d] / 1000, dailyAneelWh[d] / 1000);
            }
            measuredWh += dailyMeasuredWh[d];
            baselineWh += dailyBaselineWh[d];
            aneelWh += dailyAneelWh[d];
        }
        return Finish(city, m, measuredWh / 1000, baselineWh / 1000, aneelWh / 1000, aneelLedWh / 1000, burnHours,
            reporting, inventory.Count, elapsed.Sum() / days, endedDays, completeDays, notes, daily);
    }

    /// <summary>The share of each local day inside the period, and how many days ended by its end.</summary>
    private static (double[] Share, int EndedDays) Elapsed(LocalMonth m, DateTimeOffset? until)
    {
        var share = new double[m.Days];
        var ended = 0;
        var end = until is { } u && u < m.End ? u.UtcTicks : m.End.UtcTicks;
        for (var d = 0; d < m.Days; d++)
        {
            var from = m.DayStartTicks(d);
            var to = m.DayStartTicks(d + 1);
            share[d] = Math.Clamp((end - from) / (double)(to - from), 0, 1);
            ended += to <= end ? 1 : 0;
        }
        return (share, ended);
    }

    private static CitySavings Finish(CityRecord city, LocalMonth m, double measuredKwh, double baselineKwh, double aneelKwh,
        double aneelLedKwh, double burnHours, int reporting, int inventoryCount, double monthShare, int endedDays, int completeDays,
        List<SavingsAdjustment> notes, DailySavings[] daily)
    {
        var tariff = city.TariffBrlPerKwh;
        var savingsKwh = baselineKwh - measuredKwh;
        var spendBefore = aneelKwh * tariff;
        var spendAfter = (city.IsMetered ? measuredKwh : aneelLedKwh) * tariff;
        var bill = spendBefore - spendAfter;
        // a month so far is compared with that share of the month's revenue and CIP, and pays back at its pace
        var revenue = city.MonthlyRevenueBrl * monthShare;
        var cip = city.MonthlyCipRevenueBrl * monthShare;
        var luminaireDays = (double)inventoryCount * endedDays;
        notes.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Device, b.Device));
        return new CitySavings
        {
            Ibge = city.Ibge,
            Name = city.Name,
            Month = m.Label,
            MeasuredKwh = measuredKwh,
            BaselineKwh = baselineKwh,
            SavingsKwh = savingsKwh,
            SavingsBrl = savingsKwh * tariff,
            BurningHours = burnHours,
            AneelBaselineKwh = aneelKwh,
            AneelLedKwh = aneelLedKwh,
            AneelSavingsKwh = aneelKwh - aneelLedKwh,
            SpendBeforeBrl = spendBefore,
            SpendAfterBrl = spendAfter,
            BillSavingsBrl = bill,
            SpendToRevenueBefore = revenue > 0 ? spendBefore / revenue : 0,
            SpendToRevenueAfter = revenue > 0 ? spendAfter / revenue : 0,
            SavingsPercentOfRevenue = revenue > 0 ? bill / revenue * 100 : 0,
            CostToCip = cip > 0 ? spendAfter / cip : null,
            PaybackMonths = bill > 0 ? city.FinancingBrl * monthShare / bill : null,
            Co2AvoidedT = savingsKwh / 1000 * city.EmissionFactorTPerMwh,
            Completeness = luminaireDays > 0 ? completeDays / luminaireDays : 0,
            ReportingLuminaires = reporting,
            InventoryLuminaires = inventoryCount,
            Adjustments = notes,
            Daily = daily,
        };
    }

    private static Dictionary<string, List<BaselineAdjustment>> IndexAdjustments(IReadOnlyList<BaselineAdjustment> adjustments)
    {
        var map = new Dictionary<string, List<BaselineAdjustment>>(StringComparer.Ordinal);
        foreach (var a in adjustments)
        {
            if (!map.TryGetValue(a.Device, out var list))
            {
                map[a.Device] = list = [];
            }
            list.Add(a);
        }
        foreach (var list in map.Values)
        {
            list.Sort(static (x, y) => x.EffectiveFrom.CompareTo(y.EffectiveFrom));
        }
        return map;
    }

    private static void PowerPerDay(LuminaireRecord lum, LocalMonth m, Dictionary<string, List<BaselineAdjustment>> byDevice,
        double[] baseW, double[] ledW, List<SavingsAdjustment> notes)
    {
        Array.Fill(baseW, lum.BaselineW);
        Array.Fill(ledW, lum.LedW);
        if (!byDevice.TryGetValue(lum.Id, out var list))
        {
            return;
        }
        var first = m.Date(0);
        var last = m.Date(m.Days - 1);
        foreach (var a in list)
        {
            if (a.EffectiveFrom > last)
            {
                break;
            }
            var from = a.EffectiveFrom <= first ? 0 : a.EffectiveFrom.DayNumber - first.DayNumber;
            for (var d = from; d < m.Days; d++)
            {
                baseW[d] = a.BaselineW;
                ledW[d] = a.LedW ?? ledW[d];
            }
            notes.Add(new SavingsAdjustment(lum.Id, LocalMonth.LocalMidnight(a.EffectiveFrom, m.Zone), SavingsAdjustment.BaselineChanged,
                string.Create(CultureInfo.InvariantCulture, $"baseline {a.BaselineW:0.##} W from {a.EffectiveFrom:yyyy-MM-dd}: {a.Reason} (approved by {a.ApprovedBy})")));
        }
    }
}
