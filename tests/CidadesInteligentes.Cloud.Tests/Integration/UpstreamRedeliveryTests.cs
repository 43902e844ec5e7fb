using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CidadesInteligentes.Cloud.Broker;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>
/// Real processes: Mosquitto as the external broker, the cloud consuming through its <c>$share</c> group. Messages whose
/// commit failed are redelivered by a session reconnect of the running cloud, without a restart.
/// </summary>
public sealed class UpstreamRedeliveryTests
{
    [Fact]
    public async Task Messages_whose_commit_failed_are_redelivered_by_one_session_reconnect_once_the_store_works_again()
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        var dir = ServerProcess.CreateTempDirectory("cloud-upstream-redeliver");
        await using var cloud = await CloudProcess.StartAsync(
            "--Broker:Enabled", "false", "--Upstream:Host", "127.0.0.1", "--Upstream:Port", mosquitto.Port.ToString(CultureInfo.InvariantCulture),
            "--Upstream:ClientId", "cloud-redeliver", "--Upstream:SharedGroup", "ci-cloud", "--Storage:Directory", dir);
        var pid = cloud.ProcessId;
        const string device = "sc-lum-000702";
        await ExecuteAsync(dir, $"CREATE TRIGGER fail_test BEFORE INSERT ON telemetry WHEN NEW.device = '{device}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
        await using var client = new MqttClient(new MqttClientOptions { Port = mosquitto.Port, ClientId = device, Username = device, CleanStart = false, SessionExpirySeconds = 600 });
        await client.ConnectAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        const int total = 5;
        for (var seq = 1; seq <= total; seq++)
        {
            await client.PublishAsync(Payload.Topic(device, "telemetry"), Payload.Luminaire(seq, start.AddSeconds(seq), seq));
        }
        await Wait.UntilAsync(async () => (await Stats(cloud)).GetProperty("storeErrors").GetInt64() >= total, "every commit failed", TimeSpan.FromSeconds(30));
        Assert.Empty(StoredSeqs(dir, device));

        // on a loaded machine the first redelivery reconnect (FirstRedeliveryDelay after the first failure) can come
        // before the trigger is dropped; its messages then fail again, and one more reconnect must bring them in
        var reconnectsBefore = (await Stats(cloud)).GetProperty("upstreamRedeliveryReconnects").GetInt64();
        await ExecuteAsync(dir, "DROP TRIGGER fail_test;");
        var reconnectsAtDrop = (await Stats(cloud)).GetProperty("upstreamRedeliveryReconnects").GetInt64();
        // the first redelivery reconnect comes FirstRedeliveryDelay after the first failure; allow for slow machines
        var bound = UpstreamConsumer.FirstRedeliveryDelay + TimeSpan.FromSeconds(20);
        try
        {
            await Wait.UntilAsync(() => StoredSeqs(dir, device).Count >= total, "the failed messages redelivered and stored without a restart", bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; stored {StoredSeqs(dir, device).Count}; cloud: {cloud.Output}; mosquitto: {mosquitto.Output}", e);
        }
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), StoredSeqs(dir, device));
        Assert.Equal(pid, cloud.ProcessId);
        // the counters are updated as each committed message's outcome is handled, just after the rows become visible
        await Wait.UntilAsync(async () => (await Stats(cloud)).GetProperty("stored").GetInt64() >= total, "the stored counter caught up", TimeSpan.FromSeconds(10));
        var stats = await Stats(cloud);
        var reconnects = stats.GetProperty("upstreamRedeliveryReconnects").GetInt64();
        // once the store works again, one reconnect is enough (none more if one was already under way at the drop)
        Assert.InRange(reconnects, Math.Max(1, reconnectsBefore), reconnectsAtDrop + 1);
        Assert.Equal(total, stats.GetProperty("stored").GetInt64());
        Assert.Contains("reconnecting the session", cloud.Output, StringComparison.Ordinal);

        // the new session still receives: a later message is stored, and no further reconnect was needed
        await client.PublishAsync(Payload.Topic(device, "telemetry"), Payload.Luminaire(total + 1, start.AddSeconds(total + 1), total + 1));
        await Wait.UntilAsync(() => StoredSeqs(dir, device).Count > total, "a message after the reconnect stored", TimeSpan.FromSeconds(30));
        Assert.Equal(reconnects, (await Stats(cloud)).GetProperty("upstreamRedeliveryReconnects").GetInt64());
        await Wait.UntilAsync(async () => (await cloud.Http.GetAsync("/healthz")).IsSuccessStatusCode, "healthy again after the reconnect", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_redelivery_delay_doubles_from_the_first_up_to_the_cap()
    {
        Assert.Equal(UpstreamConsumer.FirstRedeliveryDelay, UpstreamConsumer.RedeliveryDelay(0));
        Assert.Equal(UpstreamConsumer.FirstRedeliveryDelay * 2, UpstreamConsumer.RedeliveryDelay(1));
        Assert.Equal(UpstreamConsumer.FirstRedeliveryDelay * 4, UpstreamConsumer.RedeliveryDelay(2));
        Assert.Equal(UpstreamConsumer.MaxRedeliveryDelay, UpstreamConsumer.RedeliveryDelay(10));
        Assert.Equal(UpstreamConsumer.MaxRedeliveryDelay, UpstreamConsumer.RedeliveryDelay(int.MaxValue));
    }
}
