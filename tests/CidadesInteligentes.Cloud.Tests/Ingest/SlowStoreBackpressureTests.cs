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
/// once the store is fast again every message is stored exactly once. The slow store is a trigger that makes every
/// telemetry insert count to 20,000 (a disk that takes milliseconds per row), added and dropped through another
/// connection: commits get slow but never fail.
/// </summary>
public sealed class SlowStoreBackpressureTests
{
    private const string SlowInserts = """
        CREATE TRIGGER slow_test BEFORE INSERT ON telemetry BEGIN
            SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) SELECT x FROM c);
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
            await Wait.UntilAsync(() =>
            {
                maxQueued = Math.Max(maxQueued, ingestor.Queued);
                return ingestor.Queued >= QueueBound;
            }, "the ingestor's queue filled up behind the slow store", TimeSpan.FromSeconds(60));
            // held there while the store stays slow: sampled over a few slow commits (each takes seconds)
            var batches = ingestor.Batches;
            await Wait.UntilAsync(() =>
            {
                maxQueued = Math.Max(maxQueued, ingestor.Queued);
                return ingestor.Batches >= batches + 2;
            }, "two more slow commits", TimeSpan.FromSeconds(120));
            Assert.Equal(QueueBound, maxQueued);
            Assert.True(counters.Stored < Devices * PerDevice - QueueBound, $"the devices waited: only {counters.Stored} of {Devices * PerDevice} stored so far");
            Assert.All(publishing, p => Assert.False(p.IsCompleted, "a device still has unacknowledged messages while the store is slow"));

            await ExecuteAsync(cloud.Directory, "DROP TRIGGER slow_test;");
            await Wait.ForAsync(Task.WhenAll(publishing), "every publish acknowledged once the store is fast again", TimeSpan.FromSeconds(120));

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
