using System.Text;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>
/// A seq that is already stored, sent again with other content (a device whose seq counter went back, or a forged
/// replay): the first version stays as it was stored, the replay is acknowledged and counted as a duplicate.
/// </summary>
public sealed class ConflictingReplayTests
{
    [Fact]
    public async Task A_replayed_seq_with_other_content_leaves_the_stored_bytes_and_the_roll_up_as_they_were_and_counts_a_duplicate()
    {
        await using var cloud = await CloudApp.StartAsync();
        var ingestor = cloud.Get<Ingestor>();
        var counters = cloud.Get<IngestCounters>();
        var store = cloud.Get<SqliteStore>();
        const string device = "sc-lum-000920";
        var topic = Payload.Topic(device, "telemetry");
        // 15:00 UTC two days ago is 12:00 in São Paulo: both readings fall on one local day, well inside the 35-day window
        var t = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-2).AddHours(15), TimeSpan.Zero);
        var first = Encoding.UTF8.GetBytes(Payload.Luminaire(1, t, energyWh: 100));
        var second = Encoding.UTF8.GetBytes(Payload.Luminaire(2, t.AddMinutes(15), energyWh: 140));
        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", topic, first, default));
        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", topic, second, default));
        var rollupBefore = Assert.Single(store.DailyRollups(null, device, "2000-01-01", "2999-12-31"));
        Assert.Equal(2, rollupBefore.Messages);
        Assert.Equal(40, rollupBefore.EnergyWithinDayWh); // 140 − 100

        // same seqs, other registers: one above the day's maximum, one below its minimum, and another ts
        var replay2 = Encoding.UTF8.GetBytes(Payload.Luminaire(2, t.AddMinutes(15), energyWh: 999));
        var replay1 = Encoding.UTF8.GetBytes(Payload.Luminaire(1, t.AddMinutes(1), energyWh: 50));
        Assert.NotEqual(second, replay2);
        Assert.NotEqual(first, replay1);
        // acknowledged (the device must not resend it), not stored
        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", topic, replay2, default));
        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", topic, replay1, default));

        Assert.Equal(2, counters.Duplicates);
        Assert.Equal(2, counters.Stored);
        Assert.Equal(4, counters.Received);
        Assert.Equal(0, counters.RejectedTotal);
        Assert.Empty(store.DeadLetters(10));
        // the stored rows are the original bytes and registers
        Assert.Equal([1L, 2], store.Seqs(device, "telemetry"));
        Assert.Equal([first, second], store.Query("SELECT CAST(payload AS BLOB) FROM telemetry WHERE device = $d ORDER BY seq",
            r => (byte[])r.GetValue(0), ("$d", device)));
        Assert.Equal([100d, 140d], store.Query("SELECT energy_wh FROM telemetry WHERE device = $d ORDER BY seq", r => r.GetDouble(0), ("$d", device)));
        // the day's roll-up did not move
        Assert.Equal(rollupBefore, Assert.Single(store.DailyRollups(null, device, "2000-01-01", "2999-12-31")));
        var stats = await cloud.GetJsonAsync("/api/ingest/stats");
        Assert.Equal(2, stats.GetProperty("duplicates").GetInt64());
    }
}
