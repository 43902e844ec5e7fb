using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>Daily roll-ups are kept per device and local (São Paulo) day, counting each seq once.</summary>
public sealed class DailyRollupTests
{
    [Fact]
    public async Task Rollups_split_at_local_midnight_and_ignore_replays()
    {
        await using var cloud = await CloudApp.StartAsync(null, "--Ingest:MaxAgeDays", "400");
        var dev = await cloud.DeviceAsync("sc-lum-000800");
        // 02:00 UTC on Nov 2 is 23:00 on Nov 1 in São Paulo (UTC−3); 03:00 UTC is local midnight
        var t = new DateTimeOffset(2026, 11, 2, 2, 0, 0, TimeSpan.Zero);
        await dev.PublishAsync(Payload.Topic("sc-lum-000800", "telemetry"), Payload.Luminaire(1, t, energyWh: 100));
        await dev.PublishAsync(Payload.Topic("sc-lum-000800", "telemetry"), Payload.Luminaire(2, t.AddMinutes(30), energyWh: 140));
        await dev.PublishAsync(Payload.Topic("sc-lum-000800", "telemetry"), Payload.Luminaire(3, t.AddMinutes(60), energyWh: 180)); // 00:00 local, Nov 2
        await dev.PublishAsync(Payload.Topic("sc-lum-000800", "telemetry"), Payload.Luminaire(4, t.AddMinutes(90), energyWh: 220));
        await dev.PublishAsync(Payload.Topic("sc-lum-000800", "telemetry"), Payload.Luminaire(4, t.AddMinutes(90), energyWh: 220)); // replay
        var rows = cloud.Get<SqliteStore>().DailyRollups(null, "sc-lum-000800", "2026-11-01", "2026-11-30");
        Assert.Equal(["2026-11-01", "2026-11-02"], rows.Select(r => r.Date));
        Assert.Equal([2L, 2L], rows.Select(r => r.Messages));
        Assert.Equal(40, rows[0].EnergyWithinDayWh); // 140 − 100
        Assert.Equal(40, rows[1].EnergyWithinDayWh); // 220 − 180
        var api = await cloud.GetJsonAsync("/api/devices/sc-lum-000800/daily?month=2026-11");
        Assert.Equal(2, api.GetArrayLength());
        Assert.Equal(2, api[1].GetProperty("messages").GetInt64());
    }
}
