using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>
/// Real processes: Mosquitto as the external broker, the cloud consuming through its <c>$share</c> group with manual
/// acknowledgement; the cloud killed with SIGKILL mid-stream, and a failing commit.
/// </summary>
public sealed class UpstreamRestartTests
{
    [Fact]
    public async Task Kill_9_of_an_upstream_cloud_while_a_device_publishes_at_qos1_loses_and_duplicates_nothing()
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        var dir = ServerProcess.CreateTempDirectory("cloud-upstream-kill");
        var args = UpstreamArgs(mosquitto, "cloud-kill", dir);
        var cloud = await CloudProcess.StartAsync(args);
        const string device = "sc-lum-000700";
        await using var client = new MqttClient(new MqttClientOptions
        {
            Port = mosquitto.Port, ClientId = device, Username = device, CleanStart = false, SessionExpirySeconds = 3600,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
        });
        await client.ConnectAsync();
        const int total = 3000;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        // a device-like publisher: up to 50 in flight, paced (a short pause every 100) so the kill lands mid-stream;
        // Mosquitto acknowledges it, the cloud's kill does not stop it
        var publishing = Task.Run(async () =>
        {
            var window = new SemaphoreSlim(50);
            var pending = new List<Task>();
            for (var seq = 1; seq <= total; seq++)
            {
                await window.WaitAsync();
                if (seq % 100 == 0)
                {
                    await Task.Delay(100);
                }
                var s = seq;
                pending.Add(client.PublishAsync(Payload.Topic(device, "telemetry"), Payload.Luminaire(s, start.AddSeconds(s), 1000 + s)).ContinueWith(_ => window.Release(), TaskScheduler.Default));
            }
            await Task.WhenAll(pending);
        });
        await Wait.UntilAsync(async () => (await Stats(cloud)).GetProperty("stored").GetInt64() > total / 10, "a tenth stored before the kill", TimeSpan.FromSeconds(60));
        cloud.Kill();
        var afterKill = StoredSeqs(dir, device).Count;
        Assert.True(afterKill < total, "the kill must happen mid-stream");
        Assert.False(mosquitto.HasExited, "Mosquitto keeps running: it holds the cloud's session and its unacknowledged messages");
        await using var restarted = await CloudProcess.StartAsync(args);
        await Wait.ForAsync(publishing, "every publish acknowledged by Mosquitto", TimeSpan.FromSeconds(60));
        try
        {
            await Wait.UntilAsync(() => StoredSeqs(dir, device).Count >= total, "every seq stored after the restart", TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; stored {StoredSeqs(dir, device).Count} ({afterKill} at the kill); cloud: {restarted.Output}; mosquitto: {mosquitto.Output}", e);
        }
        // let redeliveries of messages stored but not acknowledged before the kill arrive, then check nothing is doubled
        await Wait.UntilAsync(async () => (await Stats(restarted)).GetProperty("received").GetInt64() >= total - afterKill, "the restarted cloud received the rest");
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), StoredSeqs(dir, device));
        await cloud.DisposeAsync();
    }

    [Fact]
    public async Task A_message_whose_commit_failed_is_not_acknowledged_and_mosquitto_redelivers_it_after_a_reconnect()
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        var dir = ServerProcess.CreateTempDirectory("cloud-upstream-fail");
        var args = UpstreamArgs(mosquitto, "cloud-fail", dir);
        var cloud = await CloudProcess.StartAsync(args);
        const string device = "sc-lum-000701";
        // deterministic store failure: a trigger makes every insert of this device's messages abort
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
        Assert.Equal(0, (await Stats(cloud)).GetProperty("stored").GetInt64());

        await ExecuteAsync(dir, "DROP TRIGGER fail_test;");
        // the store works again; a running cloud would reconnect its session after a while (UpstreamRedeliveryTests),
        // here it is killed at once: the restarted one must get them from Mosquitto

        cloud.Kill();
        await using var restarted = await CloudProcess.StartAsync(args);
        await Wait.UntilAsync(() => StoredSeqs(dir, device).Count >= total, "the unacknowledged messages redelivered and stored", TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), StoredSeqs(dir, device));
        await cloud.DisposeAsync();
    }
}
