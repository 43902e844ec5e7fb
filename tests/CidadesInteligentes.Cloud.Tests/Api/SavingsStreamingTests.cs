using System.Text.Json;
using CidadesInteligentes.Cloud.Engines;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// A dashboard refreshes a city-month every few seconds while its luminaires report; the engine reads the month once and
/// then adds only what arrived since (docs/performance.md, "Savings kept up to date"). Every figure must stay exactly
/// what a computation from the whole month gives, and anything that is not a plain next reading must make it read the
/// month again.
/// </summary>
public sealed partial class SavingsStreamingTests
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

    /// <summary>A cloud with São Carlos, and an engine of its own whose clock the test sets.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private readonly string _dir;

        private Setup(string dir, CloudApp cloud, DateTimeOffset now)
        {
            _dir = dir;
            Cloud = cloud;
            Clock = new ManualTimeProvider(now.ToUniversalTime());
            Engine = Restarted();
        }

        public CloudApp Cloud { get; }
        public ManualTimeProvider Clock { get; }
        public MonthlyEngine Engine { get; }
        public CityRecord City => Cloud.Get<RegistryService>().City("3548906")!;

        /// <summary>An engine that holds nothing and reads nothing back from disk: its answer is a whole read of the store.</summary>
        public MonthlyEngine Fresh()
        {
            var engine = Restarted();
            engine.SavingsStreams.Persist = false;
            return engine;
        }

        /// <summary>An engine as after a restart: nothing in memory, the city-months the store keeps on disk.</summary>
        public MonthlyEngine Restarted() => new(Cloud.Get<SqliteStore>(), Cloud.Get<RegistryService>(), Cloud.Get<Ingestor>(), Clock);

        public static async Task<Setup> StartAsync(string name, DateTimeOffset now)
        {
            var dir = ServerProcess.CreateTempDirectory(name);
            var file = Path.Combine(dir, "registry.json");
            await File.WriteAllTextAsync(file, Registry);
            var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file, "--Ingest:MaxAgeDays", "400");
            return new Setup(dir, cloud, now);
        }

        public async ValueTask DisposeAsync()
        {
            await Cloud.DisposeAsync();
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Readings_that_arrive_after_a_month_was_read_are_added_and_the_figures_stay_those_of_a_whole_read()
    {
        // the engine's clock: 20 November 2026, so November is the month so far
        await using var setup = await Setup.StartAsync("savings-streaming", Local(11, 20, 12));
        var (cloud, engine, clock, city) = (setup.Cloud, setup.Engine, setup.Clock, setup.City);
        CitySavings Whole() => setup.Fresh().Savings(city, "2026-11");
        var one = await cloud.DeviceAsync("sc-lum-000001");
        var two = await cloud.DeviceAsync("sc-lum-000002");
        var three = await cloud.DeviceAsync("sc-lum-000003");

        // read on 12 November: two luminaires since 28 October (seq 20 of the first one lost on the way)
        var s1 = await ReportAsync(one, "sc-lum-000001", 0, 10_000, Local(10, 28, 0), Local(11, 12, 0), skip: 20);
        var s2 = await ReportAsync(two, "sc-lum-000002", 500, 70_000, Local(10, 28, 1), Local(11, 12, 1));
        var first = engine.Savings(city, "2026-11");
        Assert.Equal(1, engine.SavingsStreams.WholeReads);
        Assert.Equal(Json(Whole()), Json(first));

        // a week more; the second luminaire's meter is replaced on 15 November
        await ReportAsync(one, "sc-lum-000001", s1, 13_500, Local(11, 12, 0), Local(11, 19, 0));
        await ReportAsync(two, "sc-lum-000002", s2, 73_500, Local(11, 12, 1), Local(11, 19, 1), resetAt: 40);
        clock.Advance(TimeSpan.FromSeconds(30)); // past the engine's 10-second reuse
        var streamed = engine.Savings(city, "2026-11");

        Assert.Equal(1, engine.SavingsStreams.WholeReads); // not read again
        Assert.Equal(2 * 7 * 12, engine.SavingsStreams.RowsAdded);
        Assert.Equal(0, engine.SavingsStreams.Invalidations);
        Assert.Equal(Json(Whole()), Json(streamed));
        Assert.True(streamed.MeasuredKwh > first.MeasuredKwh + 5, $"{streamed.MeasuredKwh} after {first.MeasuredKwh}");
        Assert.Contains(streamed.Adjustments, a => a.Device == "sc-lum-000002" && a.Kind == SavingsAdjustment.MeterReplaced);

        // the lost seq 20 arrives late (below the last seq): the month is read whole again, and is right
        await one.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(20, Local(10, 29, 14), 10_100));
        clock.Advance(TimeSpan.FromSeconds(30));
        var late = engine.Savings(city, "2026-11");
        Assert.Equal(2, engine.SavingsStreams.WholeReads);
        Assert.Contains("seq 20", engine.SavingsStreams.LastInvalidation, StringComparison.Ordinal);
        Assert.Equal(Json(Whole()), Json(late));

        // a third luminaire starts reporting inside the month (a roll-out): it alone is read, from its first reading on
        await ReportAsync(three, "sc-lum-000003", 0, 0, Local(11, 19, 0), Local(11, 20, 0));
        clock.Advance(TimeSpan.FromSeconds(30));
        var installed = engine.Savings(city, "2026-11");
        Assert.Equal(2, engine.SavingsStreams.WholeReads);
        Assert.Equal(1, engine.SavingsStreams.LuminaireReads);
        Assert.Equal(3, installed.ReportingLuminaires);
        Assert.Equal(Json(Whole()), Json(installed));

        // and from then on its readings are added like the others'
        var added = engine.SavingsStreams.RowsAdded;
        await ReportAsync(three, "sc-lum-000003", 12, 1_000, Local(11, 20, 0), Local(11, 20, 10));
        clock.Advance(TimeSpan.FromSeconds(30));
        var later = engine.Savings(city, "2026-11");
        Assert.Equal(2, engine.SavingsStreams.WholeReads);
        Assert.Equal(added + 5, engine.SavingsStreams.RowsAdded);
        Assert.Equal(Json(Whole()), Json(later));
    }

    [Fact]
    public async Task A_past_month_kept_for_its_readers_is_not_read_again_for_every_reading_of_today()
    {
        await using var setup = await Setup.StartAsync("savings-streaming-past", Local(11, 20, 12));
        var (cloud, engine, clock, city) = (setup.Cloud, setup.Engine, setup.Clock, setup.City);
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
        Assert.Equal(1, engine.SavingsStreams.WholeReads);
        Assert.Equal(0, engine.SavingsStreams.Invalidations);
        Assert.Equal(0, engine.SavingsStreams.RowsAdded);
        Assert.Equal(Json(setup.Fresh().Savings(city, "2026-09")), Json(again));
    }

    /// <summary>Every 15 minutes from <paramref name="from"/> up to <paramref name="to"/>; down 10 minutes in each 2 hours.</summary>
    private static async Task<long> HotspotAsync(MqttClient device, string id, long seq, DateTimeOffset from, DateTimeOffset to, long skip = -1)
    {
        for (var t = from; t < to; t = t.AddMinutes(15))
        {
            seq++;
            if (seq == skip)
            {
                continue;
            }
            var up = t.Minute != 30 || t.Hour % 2 != 0;
            var json = $$"""{"v":1,"seq":{{seq}},"ts":"{{Payload.Ts(t)}}","uptimeS":{{seq * 900}},"backhaulUp":{{(up ? "true" : "false")}},"latencyMs":{{20 + seq % 9}},"lossPercent":0,{{(seq % 4 == 0 ? "\"downMbps\":31.5,\"upMbps\":9," : "")}}"portalOk":true,"clients":{{seq % 6}},"uniqueClientsToday":{{seq % 50}},"rxBytes":{{seq * 1000}},"txBytes":{{seq * 500}}}""";
            await device.PublishAsync(Payload.Topic(id, "telemetry", "hotspot"), json);
        }
        return seq;
    }

    [Fact]
    public async Task Wifi_samples_that_arrive_after_a_month_was_read_are_added_and_the_verdicts_stay_those_of_a_whole_read()
    {
        await using var setup = await Setup.StartAsync("wifi-streaming", Local(11, 6, 12));
        var (cloud, engine, clock, city) = (setup.Cloud, setup.Engine, setup.Clock, setup.City);
        CityWifiReport Whole() => setup.Fresh().Wifi(city, "2026-11");
        var one = await cloud.DeviceAsync("sc-wifi-01");
        var two = await cloud.DeviceAsync("sc-wifi-02");
        var three = await cloud.DeviceAsync("sc-wifi-03");

        // read on 4 November (seq 30 of the first point held back by its outbox)
        var s1 = await HotspotAsync(one, "sc-wifi-01", 0, Local(10, 31, 20), Local(11, 4, 0), skip: 30);
        var s2 = await HotspotAsync(two, "sc-wifi-02", 100, Local(10, 31, 20), Local(11, 4, 0));
        var first = engine.Wifi(city, "2026-11");
        Assert.Equal(1, engine.WifiStreams.WholeReads);
        Assert.Equal(Json(Whole()), Json(first));

        // two days more, then the held-back seq 30: put in its place among the samples, not read again
        await HotspotAsync(one, "sc-wifi-01", s1, Local(11, 4, 0), Local(11, 6, 0));
        await HotspotAsync(two, "sc-wifi-02", s2, Local(11, 4, 0), Local(11, 6, 0));
        await one.PublishAsync(Payload.Topic("sc-wifi-01", "telemetry", "hotspot"),
            $$"""{"v":1,"seq":30,"ts":"{{Payload.Ts(Local(11, 1, 3).AddMinutes(15))}}","uptimeS":27000,"backhaulUp":false,"portalOk":false,"clients":0,"uniqueClientsToday":0,"rxBytes":1,"txBytes":1}""");
        clock.Advance(TimeSpan.FromSeconds(30));
        var streamed = engine.Wifi(city, "2026-11");
        Assert.Equal(1, engine.WifiStreams.WholeReads);
        Assert.Equal(2 * 2 * 96 + 1, engine.WifiStreams.RowsAdded);
        Assert.Equal(Json(Whole()), Json(streamed));
        Assert.NotEqual(Json(first), Json(streamed));

        // a third point starts reporting: the month is read whole again
        await HotspotAsync(three, "sc-wifi-03", 0, Local(11, 5, 0), Local(11, 6, 0));
        clock.Advance(TimeSpan.FromSeconds(30));
        var installed = engine.Wifi(city, "2026-11");
        Assert.Equal(2, engine.WifiStreams.WholeReads);
        Assert.Contains("sc-wifi-03 reported for the first time", engine.WifiStreams.LastInvalidation, StringComparison.Ordinal);
        Assert.Equal(Json(Whole()), Json(installed));
    }

    [Fact]
    public async Task A_registry_change_makes_a_month_held_be_read_whole_again_with_the_new_inventory()
    {
        await using var setup = await Setup.StartAsync("savings-streaming-registry", Local(11, 20, 12));
        var (cloud, engine, clock, city) = (setup.Cloud, setup.Engine, setup.Clock, setup.City);
        var one = await cloud.DeviceAsync("sc-lum-000001");
        var four = await cloud.DeviceAsync("sc-lum-000004");
        await ReportAsync(one, "sc-lum-000001", 0, 10_000, Local(11, 1, 0), Local(11, 5, 0));
        // a luminaire not yet in the registry (3 luminaires) already reports
        await ReportAsync(four, "sc-lum-000004", 0, 0, Local(11, 1, 0), Local(11, 5, 0));
        var before = engine.Savings(city, "2026-11");
        Assert.Equal(1, before.ReportingLuminaires);
        Assert.Equal(3, before.InventoryLuminaires);

        // the admin adds a fourth luminaire: the month held was read with three, so it is read whole again
        var registry = cloud.Get<RegistryService>();
        var problems = await registry.ReplaceAsync(Registry.Replace("\"fleet\":{\"luminaires\":3,", "\"fleet\":{\"luminaires\":4,", StringComparison.Ordinal),
            "test", cloud.Get<SqliteStore>(), cloud.Get<CidadesInteligentes.Cloud.Fleet.FleetState>(), clock, CancellationToken.None);
        Assert.Empty(problems);
        clock.Advance(TimeSpan.FromSeconds(30));
        var after = engine.Savings(setup.City, "2026-11");

        Assert.Equal(2, engine.SavingsStreams.WholeReads);
        Assert.Equal(4, after.InventoryLuminaires);
        Assert.Equal(2, after.ReportingLuminaires);
        Assert.Equal(Json(setup.Fresh().Savings(setup.City, "2026-11")), Json(after));
    }
}
