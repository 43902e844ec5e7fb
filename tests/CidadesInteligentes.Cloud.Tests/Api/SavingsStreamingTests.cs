using System.Text.Json;
using CidadesInteligentes.Cloud.Engines;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// A dashboard refreshes a city-month every few seconds while its luminaires report; the engine reads the month once and
/// then adds only what arrived since (docs/performance.md, "Savings kept up to date"). Every figure must stay exactly
/// what a computation from the whole month gives, and anything that is not a plain next reading must make it read the
/// month again.
/// </summary>
public sealed class SavingsStreamingTests
{
    // São Carlos with 3 luminaires
    private static readonly string Registry = CityEndpointTests.Registry.Replace("\"fleet\":{\"luminaires\":2,", "\"fleet\":{\"luminaires\":3,", StringComparison.Ordinal);

    private static DateTimeOffset Local(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(-3));

    private static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>Every two hours from <paramref name="from"/> up to (not including) <paramref name="to"/>; a lamp on at night draws 110 Wh an hour.</summary>
    private static async Task<long> ReportAsync(MqttClient device, string id, long seq, double energy, DateTimeOffset from, DateTimeOffset to, long skip = -1, double resetAt = double.NaN)
    {
        for (var t = from; t < to; t = t.AddHours(2))
        {
            seq++;
            energy += t.Hour is >= 18 or < 6 ? 220 : 2;
            if (t == (resetAt is double r && !double.IsNaN(r) ? from.AddHours(2 * r) : DateTimeOffset.MinValue))
            {
                energy = 5; // meter replaced
            }
            if (seq == skip)
            {
                continue;
            }
            await device.PublishAsync(Payload.Topic(id, "telemetry"), Payload.Luminaire(seq, t, energy));
        }
        return seq;
    }

    [Fact]
    public async Task Readings_that_arrive_after_a_month_was_read_are_added_and_the_figures_stay_those_of_a_whole_read()
    {
        var dir = ServerProcess.CreateTempDirectory("savings-streaming");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file, "--Ingest:MaxAgeDays", "400");
        var store = cloud.Get<SqliteStore>();
        var registry = cloud.Get<RegistryService>();
        var ingestor = cloud.Get<Ingestor>();
        var city = registry.City("3548906")!;
        // the engine's clock: 20 November 2026, so November is the month so far
        var clock = new ManualTimeProvider(Local(11, 20, 12).ToUniversalTime());
        var engine = new MonthlyEngine(store, registry, ingestor, clock);
        CitySavings Whole() => new MonthlyEngine(store, registry, ingestor, clock).Savings(city, "2026-11");
        var one = await cloud.DeviceAsync("sc-lum-000001");
        var two = await cloud.DeviceAsync("sc-lum-000002");
        var three = await cloud.DeviceAsync("sc-lum-000003");

        // read on 12 November: two luminaires since 28 October (seq 20 of the first one lost on the way)
        var s1 = await ReportAsync(one, "sc-lum-000001", 0, 10_000, Local(10, 28, 0), Local(11, 12, 0), skip: 20);
        var s2 = await ReportAsync(two, "sc-lum-000002", 500, 70_000, Local(10, 28, 1), Local(11, 12, 1));
        var first = engine.Savings(city, "2026-11");
        Assert.Equal(1, engine.Streams.WholeReads);
        Assert.Equal(Json(Whole()), Json(first));

        // a week more; the second luminaire's meter is replaced on 15 November
        await ReportAsync(one, "sc-lum-000001", s1, 13_500, Local(11, 12, 0), Local(11, 19, 0));
        await ReportAsync(two, "sc-lum-000002", s2, 73_500, Local(11, 12, 1), Local(11, 19, 1), resetAt: 40);
        clock.Advance(TimeSpan.FromSeconds(30)); // past the engine's 10-second reuse
        var streamed = engine.Savings(city, "2026-11");

        Assert.Equal(1, engine.Streams.WholeReads); // not read again
        Assert.Equal(2 * 7 * 12, engine.Streams.ReadingsAdded);
        Assert.Equal(0, engine.Streams.Invalidations);
        Assert.Equal(Json(Whole()), Json(streamed));
        Assert.True(streamed.MeasuredKwh > first.MeasuredKwh + 5, $"{streamed.MeasuredKwh} after {first.MeasuredKwh}");
        Assert.Contains(streamed.Adjustments, a => a.Device == "sc-lum-000002" && a.Kind == SavingsAdjustment.MeterReplaced);

        // the lost seq 20 arrives late (below the last seq): the month is read whole again, and is right
        await one.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(20, Local(10, 29, 14), 10_100));
        clock.Advance(TimeSpan.FromSeconds(30));
        var late = engine.Savings(city, "2026-11");
        Assert.Equal(2, engine.Streams.WholeReads);
        Assert.Contains("seq 20", engine.Streams.LastInvalidation, StringComparison.Ordinal);
        Assert.Equal(Json(Whole()), Json(late));

        // a third luminaire starts reporting inside the month: read again, and counted
        await ReportAsync(three, "sc-lum-000003", 0, 0, Local(11, 19, 0), Local(11, 20, 0));
        clock.Advance(TimeSpan.FromSeconds(30));
        var installed = engine.Savings(city, "2026-11");
        Assert.Equal(3, engine.Streams.WholeReads);
        Assert.Contains("sc-lum-000003 reported for the first time", engine.Streams.LastInvalidation, StringComparison.Ordinal);
        Assert.Equal(3, installed.ReportingLuminaires);
        Assert.Equal(Json(Whole()), Json(installed));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_past_month_kept_for_its_readers_is_not_read_again_for_every_reading_of_today()
    {
        var dir = ServerProcess.CreateTempDirectory("savings-streaming-past");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file, "--Ingest:MaxAgeDays", "400");
        var store = cloud.Get<SqliteStore>();
        var registry = cloud.Get<RegistryService>();
        var ingestor = cloud.Get<Ingestor>();
        var city = registry.City("3548906")!;
        var clock = new ManualTimeProvider(Local(11, 20, 12).ToUniversalTime());
        var engine = new MonthlyEngine(store, registry, ingestor, clock);
        var one = await cloud.DeviceAsync("sc-lum-000001");
        var two = await cloud.DeviceAsync("sc-lum-000002");

        // the first luminaire reported through September and October; the second only from November on
        var s1 = await ReportAsync(one, "sc-lum-000001", 0, 1_000, Local(9, 25, 0), Local(10, 6, 0));
        var september = engine.Savings(city, "2026-09");
        Assert.Equal(1, september.ReportingLuminaires);
        await ReportAsync(one, "sc-lum-000001", s1, 9_000, Local(11, 10, 0), Local(11, 11, 0));
        await ReportAsync(two, "sc-lum-000002", 0, 0, Local(11, 10, 0), Local(11, 11, 0));
        clock.Advance(TimeSpan.FromSeconds(30));
        var again = engine.Savings(city, "2026-09");

        // today's readings lie after September's read window: nothing to add, nothing to read again
        Assert.Equal(1, engine.Streams.WholeReads);
        Assert.Equal(0, engine.Streams.Invalidations);
        Assert.Equal(0, engine.Streams.ReadingsAdded);
        Assert.Equal(Json(new MonthlyEngine(store, registry, ingestor, clock).Savings(city, "2026-09")), Json(again));
        Directory.Delete(dir, recursive: true);
    }
}
