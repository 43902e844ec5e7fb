using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>A gap between readings loses nothing (docs/domain.md), also when it spans the month's first or last midnight.</summary>
public sealed class SavingsMonthEdgeTests
{
    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(-3));

    [Fact]
    public async Task A_luminaire_silent_for_a_week_across_the_months_edges_keeps_its_share_of_the_step()
    {
        var dir = ServerProcess.CreateTempDirectory("month-edge-gap");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file, "--Ingest:MaxAgeDays", "400");
        var dev = await cloud.DeviceAsync("sc-lum-000001");
        // Payload.Luminaire counts burnSeconds as seq × 60
        (long Seq, DateTimeOffset Ts, double Wh)[] readings =
        [
            (1, Local(9, 26, 12), 1000),
            (2, Local(10, 4, 12), 1800),     // 8 days later (modem broken over the month's start)
            (3, Local(10, 4, 12, 15), 1810),
            (4, Local(10, 28, 12), 1900),
            (5, Local(11, 5, 12), 2700),     // silent again for 8 days over the month's end
        ];
        foreach (var (seq, ts, wh) in readings)
        {
            await dev.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(seq, ts, wh));
        }

        var s = await cloud.GetJsonAsync("/api/cities/3548906/savings?month=2026-10");

        // 26 Sep 12:00 → 4 Oct 12:00 is 192 h, 84 h of them in October: 800 Wh × 84 / 192 = 350 Wh, 60 s × 84 / 192 = 26.25 s
        // 4 Oct 12:00 → 12:15: 10 Wh, 60 s; 4 Oct → 28 Oct: 90 Wh, 60 s (all October)
        // 28 Oct 12:00 → 5 Nov 12:00 is 192 h, 84 h in October: 800 Wh × 84 / 192 = 350 Wh, 26.25 s
        // measured 350 + 10 + 90 + 350 = 800 Wh; burning (26.25 + 60 + 60 + 26.25) s = 172.5 s = 0.0479166… h
        // (a 3-day read window around the month found neither outside reading: 100 Wh and 120 s)
        Assert.Equal(0.8, s.GetProperty("measuredKwh").GetDouble(), 9);
        Assert.Equal(172.5 / 3600, s.GetProperty("burningHours").GetDouble(), 9);
        Directory.Delete(dir, recursive: true);
    }
}
