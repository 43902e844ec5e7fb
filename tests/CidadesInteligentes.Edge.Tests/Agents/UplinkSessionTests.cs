using System.Collections.Concurrent;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

/// <summary>The uplink's persistent session (CleanStart=false, session expiry) against real Mosquitto.</summary>
public sealed class UplinkSessionTests
{
    [Fact]
    public async Task Command_published_while_the_device_is_away_is_executed_and_acked_after_it_reconnects()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var kit = new AgentTestKit(DateTimeOffset.UtcNow);
        var identity = AgentTestKit.Identity;
        var options = new UplinkOptions("127.0.0.1", broker.Port, "secret-not-checked-here") { SessionExpirySeconds = 3600 };

        var acks = new ConcurrentQueue<CommandAck>();
        await using var cloud = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "cloud-session" });
        await cloud.ConnectAsync();
        await cloud.SubscribeAsync(identity.Topic(TopicStream.CommandAck), 1);
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var m in cloud.Messages.ReadAllAsync(cts.Token))
            {
                acks.Enqueue(JsonSerializer.Deserialize(m.Payload.Span, TelemetryJson.Default.CommandAck)!);
            }
        });

        // First connection: subscribes to .../cmd, then the device goes away (clean stop, session kept by the broker).
        bool? firstSessionPresent = null;
        await using (var first = new Uplink(kit.Agent, options, kit.Time))
        {
            first.Client.Connected += present => firstSessionPresent = present;
            await first.StartAsync(CancellationToken.None);
            await first.StopAsync(TimeSpan.FromSeconds(2));
        }
        Assert.False(firstSessionPresent); // a new session on a fresh broker

        // QoS 1 command while the device is away: only the stored session can hold it.
        var id = Guid.NewGuid().ToString();
        await cloud.PublishAsync(identity.Topic(TopicStream.Command),
            $$"""{"v":1,"id":"{{id}}","ts":"{{kit.Time.GetUtcNow():O}}","type":"setOverride","dimPercent":40,"durationS":600}""", 1);
        Assert.Null(kit.Executor.Override);
        Assert.Empty(acks);

        // Same client id again: the broker resumes the session and delivers the queued command.
        bool? secondSessionPresent = null;
        await using var second = new Uplink(kit.Agent, options, kit.Time);
        second.Client.Connected += present => secondSessionPresent = present;
        await second.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => acks.Any(a => a.Id == id), "ack of the command sent while away");

        Assert.True(secondSessionPresent);
        var ack = Assert.Single(acks);
        Assert.Equal(CommandResults.Ok, ack.Result);
        Assert.Equal(40, kit.Executor.Override?.DimPercent);
        Assert.Equal(id, kit.Executor.Override?.CommandId);

        await second.StopAsync(TimeSpan.FromSeconds(2));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader);
    }
}
