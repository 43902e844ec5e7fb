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

    [Theory]
    [InlineData(null, false)]   // the default, 60 s: the roll-up waits in memory until something reads it
    [InlineData("0", true)]     // written in every commit
    public async Task Storage_RollupFoldSeconds_sets_when_a_commit_writes_the_roll_ups(string? seconds, bool writtenAtOnce)
    {
        await using var cloud = await CloudApp.StartAsync(null, seconds is null ? [] : ["--Storage:RollupFoldSeconds", seconds]);
        var store = cloud.Get<SqliteStore>();
        var dev = await cloud.DeviceAsync("sc-lum-000801");
        // yesterday 12:00 in São Paulo: both messages on one local date
        var t = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1).AddHours(15), TimeSpan.Zero);
        await dev.PublishAsync(Payload.Topic("sc-lum-000801", "telemetry"), Payload.Luminaire(1, t, energyWh: 100));
        await dev.PublishAsync(Payload.Topic("sc-lum-000801", "telemetry"), Payload.Luminaire(2, t.AddMinutes(1), energyWh: 101));
        // QoS 1: each PUBACK came after its commit. The table as the commits left it, read without folding:
        var raw = store.Query("SELECT messages FROM daily_rollups WHERE device = 'sc-lum-000801'", r => r.GetInt64(0));
        Assert.Equal(writtenAtOnce ? [2L] : [], raw);
        Assert.Equal(writtenAtOnce ? 0 : 1, store.PendingRollups);
        // a read folds first either way
        var date = CidadesInteligentes.Cloud.Ingest.Ingestor.LocalDate(t);
        Assert.Equal([2L], store.DailyRollups(null, "sc-lum-000801", date, date).Select(r => r.Messages));
    }
}
