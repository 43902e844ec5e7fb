using System.Text.Json;
using CidadesInteligentes.Cloud.Domain.Energy;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

/// <summary>
/// The cloud keeps each luminaire's month up to date reading by reading (<see cref="LuminaireMonth.Add"/>) instead of
/// reading the whole month again on every dashboard refresh; the figures must be exactly those of a computation from
/// all the readings at once.
/// </summary>
public sealed class LuminaireMonthStreamingTests
{
    private static readonly LocalMonth June = LocalMonth.Parse("2026-06");

    /// <summary>
    /// A luminaire's June at 15-minute steps from 27 May to 4 July, with what the field does to registers: a meter
    /// replaced (energy back to near zero), the agent's burn counter restarting, an outage of 5 h across midnight, a
    /// clock that steps back, a repeated seq.
    /// </summary>
    private static List<EnergyReading> Registers(int seed)
    {
        var rnd = new Random(seed);
        var list = new List<EnergyReading>();
        var t = new DateTimeOffset(2026, 5, 27, 21, 7, 0, TimeSpan.Zero);
        double energy = 52_000;
        long burn = 3_600_000;
        long seq = 4_000;
        while (t < new DateTimeOffset(2026, 7, 4, 0, 0, 0, TimeSpan.Zero))
        {
            var step = TimeSpan.FromMinutes(15);
            var roll = rnd.Next(1000);
            if (roll < 3)
            {
                step = TimeSpan.FromHours(5); // outage, often across midnight
            }
            t += step;
            var on = t.ToOffset(TimeSpan.FromHours(-3)).Hour is >= 18 or < 6;
            energy += on ? 20 + rnd.NextDouble() : 0.1;
            burn += on ? (long)step.TotalSeconds : 0;
            if (roll is >= 3 and < 5)
            {
                energy = rnd.NextDouble() * 10; // meter replaced
            }
            if (roll == 5)
            {
                burn = 60; // the agent lost its burn counter
            }
            var ts = roll == 6 ? t.AddMinutes(-40) : t; // the clock stepped back for one reading
            list.Add(new(++seq, ts, energy, burn));
            if (roll == 7)
            {
                list.Add(new(seq, ts, energy, burn)); // delivered twice
            }
        }
        return list;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Adding_readings_as_they_arrive_gives_the_figures_of_all_of_them_at_once(int seed)
    {
        var readings = Registers(seed);
        EnergyReading[]? buffer = null;
        var whole = LuminaireMonth.FromReadings("sc-lum-000001", June, readings, ref buffer)!;

        // what the cloud does: the month as read at some moment, then each reading that arrives after it
        var cut = new Random(seed).Next(10, readings.Count - 10);
        var streamed = LuminaireMonth.FromReadings("sc-lum-000001", June, readings[..cut], ref buffer)!;
        AddNewer(streamed, readings[cut..]);

        AssertSame(whole, streamed);
        // the series really has what the test is about
        Assert.Contains(whole.Notes, n => n.Detail.Contains("register went back", StringComparison.Ordinal));
        Assert.Contains(whole.Gap, g => g);
        Assert.InRange(whole.CompleteDays(30), 1, 29);
    }

    /// <summary>What the cloud does with the readings that arrive after a month was read: adds those above its last seq.</summary>
    private static void AddNewer(LuminaireMonth month, IEnumerable<EnergyReading> readings)
    {
        foreach (var r in readings)
        {
            if (r.Seq > month.Last!.Value.Seq)
            {
                month.Add(r);
            }
        }
    }

    private static void AssertSame(LuminaireMonth expected, LuminaireMonth actual)
    {
        Assert.Equal(expected.MeasuredWh, actual.MeasuredWh);
        Assert.Equal(expected.BurnHours, actual.BurnHours);
        Assert.Equal(expected.Gap, actual.Gap);
        Assert.Equal(expected.Reported, actual.Reported);
        Assert.Equal(expected.CompleteDays(30), actual.CompleteDays(30));
        Assert.Equal(expected.Notes, actual.Notes);
    }

    [Fact]
    public void A_city_month_aggregated_from_luminaires_kept_up_to_date_is_the_one_computed_from_all_readings()
    {
        var city = TestCities.SaoCarlos();
        var readings = new Dictionary<string, IReadOnlyList<EnergyReading>>(StringComparer.Ordinal)
        {
            ["sc-lum-000001"] = Registers(11),
            ["sc-lum-000002"] = Registers(12),
        };
        var until = new DateTimeOffset(2026, 6, 20, 12, 0, 0, TimeSpan.Zero);
        var expected = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, readings, [], until);

        EnergyReading[]? buffer = null;
        var energies = new Dictionary<string, LuminaireMonth>(StringComparer.Ordinal);
        foreach (var (id, list) in readings)
        {
            var half = list.Count / 2;
            var e = LuminaireMonth.FromReadings(id, June, list.Take(half).ToList(), ref buffer)!;
            AddNewer(e, list.Skip(half));
            energies[id] = e;
        }
        var actual = SavingsCalculator.Aggregate(city, June, city.Luminaires, energies, [], until);

        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
        // about 1 kWh a night each, for 20 nights so far
        Assert.InRange(expected.MeasuredKwh, 20, 60);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void A_month_written_and_read_back_goes_on_exactly_as_the_month_that_was_written(int seed)
    {
        // the cloud keeps the months it holds on disk, so that after a restart it adds what arrived since instead of
        // reading them whole again: what is read back must go on like the original, reading by reading
        var readings = Registers(seed);
        EnergyReading[]? buffer = null;
        var whole = LuminaireMonth.FromReadings("sc-lum-000001", June, readings, ref buffer)!;
        var cut = new Random(seed).Next(readings.Count / 3, readings.Count / 2);
        var kept = LuminaireMonth.FromReadings("sc-lum-000001", June, readings[..cut], ref buffer)!;

        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            kept.WriteTo(w);
        }
        stream.Position = 0;
        using var r = new BinaryReader(stream);
        var restored = LuminaireMonth.ReadFrom(r, "sc-lum-000001", June);
        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal(kept.Last, restored.Last);
        Assert.Equal(kept.Notes, restored.Notes);

        AddNewer(restored, readings[cut..]);
        AssertSame(whole, restored);
        Assert.Contains(kept.Notes, n => n.Detail.Contains("register went back", StringComparison.Ordinal)); // a note was written too

        // a month of another length is refused, not misread
        stream.Position = 0;
        Assert.Throws<InvalidDataException>(() => LuminaireMonth.ReadFrom(r, "sc-lum-000001", LocalMonth.Parse("2026-07")));
    }

    [Fact]
    public void A_reading_out_of_seq_order_is_refused_rather_than_counted_wrongly()
    {
        var m = new LuminaireMonth("sc-lum-000001", June);
        m.Add(new(10, June.Start.AddHours(1), 100, 0));
        var e = Assert.Throws<ArgumentException>(() => m.Add(new(9, June.Start.AddHours(2), 120, 0)));
        Assert.Contains("seq 9 does not follow seq 10", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => m.Add(new(10, June.Start.AddHours(2), 120, 0)));
    }
}
