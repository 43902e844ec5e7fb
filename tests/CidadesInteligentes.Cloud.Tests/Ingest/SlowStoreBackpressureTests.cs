using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>
/// End to end through the embedded broker: when the store is slower than the devices, the ingestor's queue stops at
/// its bound (20,000 messages) and the devices wait with full windows, instead of the cloud buffering without limit;
/// once the store is fast again every message is stored exactly once. The slow store is a trigger, added through
/// another connection, that makes each of the first 12,000 telemetry inserts count to 5,000 (a disk that takes about
/// a millisecond per row) and then gets out of the way by itself: commits get slow but never fail, and the test never
/// has to take the store's write lock from the busy cloud to drop it.
/// </summary>
public sealed class SlowStoreBackpressureTests
{
    private const string SlowInserts = """
        CREATE TRIGGER slow_test BEFORE INSERT ON telemetry WHEN coalesce((SELECT max(id) FROM telemetry), 0) < 12000 BEGIN
            SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x FROM c);
        END;
        """;

    private const int QueueBound = 20_000; // Ingestor: GroupCommitter capacity
    private const int Devices = 25;
    private const int Window = 1_024; // each device's QoS 1 window (the broker's receive maximum)
    private const int PerDevice = 1_500;

    [Fact]
    public async Task A_slow_store_holds_the_queue_at_its_bound_and_every_message_is_stored_once_afterwards()
    {
        await using var cloud = await CloudApp.StartAsync();
        var ingestor = cloud.Get<Ingestor>();
        var counters = cloud.Get<IngestCounters>();
        var store = cloud.Get<SqliteStore>();
        await ExecuteAsync(cloud.Directory, SlowInserts);

        var clients = new List<MqttClient>();
        try
        {
            for (var d = 0; d < Devices; d++)
            {
                var id = $"sc-lum-{d + 950:000000}";
                var c = new MqttClient(new MqttClientOptions { Port = cloud.BrokerPort, ClientId = id, Username = id, MaxInflight = Window });
                clients.Add(c);
                await c.ConnectAsync();
            }
            var t0 = DateTimeOffset.UtcNow.AddHours(-2);
            // 25 × 1,024 unacknowledged messages can be outstanding: more than the queue's bound plus a batch in hand
            var publishing = clients.Select((c, d) => Task.Run(async () =>
            {
                var id = $"sc-lum-{d + 950:000000}";
                var pending = new List<Task>(PerDevice);
                for (var seq = 1; seq <= PerDevice; seq++)
                {
                    pending.Add(c.PublishAsync(Payload.Topic(id, "telemetry"), Payload.Luminaire(seq, t0.AddSeconds(seq), energyWh: 1000 + seq)));
                }
                await Task.WhenAll(pending);
            })).ToList();

            var maxQueued = 0;
            var storedWhenFull = -1L;
            await Wait.UntilAsync(() =>
            {
                maxQueued = Math.Max(maxQueued, ingestor.Queued);
                storedWhenFull = counters.Stored;
                return ingestor.Queued >= QueueBound;
            }, "the ingestor's queue filled up behind the slow store", TimeSpan.FromSeconds(120));
            Assert.True(storedWhenFull < Devices * PerDevice - QueueBound, $"the devices waited: {storedWhenFull} of {Devices * PerDevice} stored when the queue was full");
            Assert.All(publishing, p => Assert.False(p.IsCompleted, "a device still has unacknowledged messages while the store is slow"));

            // the store gets fast again by itself after 12,000 rows; the queue is watched until every publish is acknowledged
            var all = Task.WhenAll(publishing);
            await Wait.UntilAsync(() =>
            {
                maxQueued = Math.Max(maxQueued, ingestor.Queued);
                return all.IsCompleted;
            }, "every publish acknowledged once the store is fast again", TimeSpan.FromSeconds(180));
            await all;
            Assert.Equal(QueueBound, maxQueued);

            Assert.Equal(Devices * PerDevice, counters.Stored);
            Assert.Equal(0, counters.Duplicates);
            Assert.Equal(0, counters.StoreErrors);
            Assert.Equal(0, counters.RejectedTotal);
            for (var d = 0; d < Devices; d++)
            {
                Assert.Equal(Enumerable.Range(1, PerDevice).Select(i => (long)i), store.Seqs($"sc-lum-{d + 950:000000}", "telemetry"));
            }
            Assert.Equal(0, ingestor.Queued);
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }
}
