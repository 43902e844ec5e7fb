using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// The savings engine looks up a silent luminaire's readings around the month (one query each) only where the city's
/// roll-ups say such a reading can exist (docs/performance.md, "State overview at 645 municipalities").
/// </summary>
public sealed class SavingsLookupTests
{
    // São Carlos with 200 luminaires
    private static readonly string Registry = CityEndpointTests.Registry.Replace("\"fleet\":{\"luminaires\":2,", "\"fleet\":{\"luminaires\":200,", StringComparison.Ordinal);

    private static DateTimeOffset Local(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(-3));

    [Fact]
    public async Task A_city_that_has_not_reported_is_computed_without_a_lookup_per_luminaire()
    {
        var dir = ServerProcess.CreateTempDirectory("savings-lookups-none");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file);
        var store = cloud.Get<SqliteStore>();

        var s = await cloud.GetJsonAsync("/api/cities/3548906/savings?month=2026-10");

        Assert.Equal(0, s.GetProperty("measuredKwh").GetDouble());
        Assert.Equal(0, store.ReadingLookups);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Readings_before_and_after_a_silent_month_are_still_found()
    {
        var dir = ServerProcess.CreateTempDirectory("savings-lookups-some");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file, "--Ingest:MaxAgeDays", "400");
        var store = cloud.Get<SqliteStore>();
        var dev = await cloud.DeviceAsync("sc-lum-000007");
        // 20 Sep 12:00 and 10 Nov 12:00: both outside October's 3-day read window
        await dev.PublishAsync(Payload.Topic("sc-lum-000007", "telemetry"), Payload.Luminaire(1, Local(9, 20, 12), 1000));
        await dev.PublishAsync(Payload.Topic("sc-lum-000007", "telemetry"), Payload.Luminaire(2, Local(11, 10, 12), 2220));

        var s = await cloud.GetJsonAsync("/api/cities/3548906/savings?month=2026-10");

        // 20 Sep 12:00 → 10 Nov 12:00 is 51 days, all 31 of October inside: 1,220 Wh × 31 / 51 = 741.5686… Wh
        Assert.Equal(1.220 * 31 / 51, s.GetProperty("measuredKwh").GetDouble(), 9);
        // the city has roll-ups on both sides, so each of its 200 luminaires (silent in the window) was looked up both ways
        Assert.Equal(400, store.ReadingLookups);
        Directory.Delete(dir, recursive: true);
    }
}
