using CidadesInteligentes.Cloud.Engines;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// The API's default month is the current one: its savings must compare like with like, the month so far on both the
/// measured and the ANEEL side, as the Wi-Fi verdict already does.
/// </summary>
public sealed class MonthSoFarSavingsTests
{
    private const string MeteredRegistry = """
        {"version":1,"exampleValues":true,"cities":[{"ibge":"3548906","name":"São Carlos","latitude":-22.0087,"longitude":-47.8909,
         "tariffBrlPerKwh":0.75,"billing":"metered","aneelHoursPerDay":11.45,"annualRevenueBrl":120000000,"annualCipRevenueBrl":3000000,
         "financingBrl":1000000,"emissionFactorTPerMwh":0.0385,"requiredWifiPoints":5,
         "wifiThresholds":{"minAvailability":0.95,"minMedianDownMbps":10,"maxP95LatencyMs":150,"requirePortal":true,"minUsedDays":0.5},
         "devicePrefix":"sc","fleet":{"luminaires":2,"wifiPoints":5,"legacyTechnology":"HPS 150 W","baselineW":170,"ledW":80,"circuits":1},
         "luminaires":[],"wifiPoints":[],"adjustments":[]}]}
        """;

    [Fact]
    public async Task The_current_month_bills_the_aneel_view_only_for_the_days_so_far()
    {
        var dir = ServerProcess.CreateTempDirectory("month-so-far");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, MeteredRegistry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file);
        // 11 June 2026 00:00 in São Paulo (03:00Z): 10 days of June have passed
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 6, 11, 3, 0, 0, TimeSpan.Zero));
        var registry = cloud.Get<RegistryService>();
        var engine = new MonthlyEngine(cloud.Get<SqliteStore>(), registry, cloud.Get<Ingestor>(), clock);

        var s = engine.Savings(registry.City("3548906")!, "2026-06");

        // no telemetry yet, metered billing: measured 0 kWh → bill after R$ 0
        // ANEEL before, 10 days so far: 2 × 170 W × 11.45 h × 10 d / 1000 = 38.93 kWh × R$ 0.75 = R$ 29.1975
        // (counting all 30 days gave 116.79 kWh and a bill "saved" of R$ 87.59 for days that have not happened)
        Assert.Equal(38.93, s.AneelBaselineKwh, 9);
        Assert.Equal(2 * 80 * 11.45 * 10 / 1000, s.AneelLedKwh, 9);
        Assert.Equal(29.1975, s.SpendBeforeBrl, 9);
        Assert.Equal(0, s.SpendAfterBrl);
        Assert.Equal(29.1975, s.BillSavingsBrl, 9);
        Assert.Equal(38.93, s.Daily.Sum(d => d.AneelBaselineKwh), 9);
        Assert.Equal(10, s.Daily.Count); // 1–10 June: no zero rows for the days still to come
        // ratios over the same third of the month: revenue 10,000,000 / 3, CIP 250,000 / 3
        // payback 1,000,000 × (10 / 30) / 29.1975 = 11,416.04… months
        Assert.Equal(29.1975 / (10_000_000 / 3.0), s.SpendToRevenueBefore, 12);
        Assert.Equal(0, s.CostToCip!.Value);
        Assert.Equal(1_000_000 / 3.0 / 29.1975, s.PaybackMonths!.Value, 6);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_quiet_citys_month_so_far_moves_on_with_the_clock_instead_of_staying_cached()
    {
        // The engine cached a result until the city's data changed. With the month so far depending on the time itself,
        // a city sending nothing kept the figures of the first request: at 18:00 the page still showed 10:00's.
        var dir = ServerProcess.CreateTempDirectory("month-so-far-cache");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, MeteredRegistry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file);
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 6, 11, 3, 0, 0, TimeSpan.Zero));
        var registry = cloud.Get<RegistryService>();
        var engine = new MonthlyEngine(cloud.Get<SqliteStore>(), registry, cloud.Get<Ingestor>(), clock);
        var city = registry.City("3548906")!;

        var first = engine.Savings(city, "2026-06");
        Assert.Equal(38.93, first.AneelBaselineKwh, 9); // 10 days so far
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Same(first, engine.Savings(city, "2026-06")); // still reused within a minute: pages polling many cities

        clock.Advance(TimeSpan.FromDays(1)); // 11 days so far, no new data
        var later = engine.Savings(city, "2026-06");
        Assert.Equal(2 * 170 * 11.45 * (11 + (30 / 86_400.0)) / 1000, later.AneelBaselineKwh, 9); // 11 days and 30 s

        // a closed month does not depend on the time: reused until its data or the registry changes
        var may = engine.Savings(city, "2026-05");
        clock.Advance(TimeSpan.FromDays(3));
        Assert.Same(may, engine.Savings(city, "2026-05"));
        Directory.Delete(dir, recursive: true);
    }
}
