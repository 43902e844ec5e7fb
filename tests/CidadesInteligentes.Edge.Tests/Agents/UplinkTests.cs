using CidadesInteligentes.Edge.Core.Outbox;
using System.Collections.Concurrent;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

public sealed class UplinkTests
{
    [Fact]
    public async Task Drains_a_backlog_in_order_reports_overflow_and_acks_entries_only_after_puback()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var identity = new DeviceIdentity("sc-wifi-77", "3548906", DeviceKind.Hotspot, "2.0.0");
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        // Room for 20: 50 reports offline drop the 30 oldest (telemetry seq 1–30).
        var outbox = new MemoryOutbox(maxMessages: 20);
        var agent = new HotspotAgent(identity, outbox, null, time);
        for (var i = 0; i < 50; i++)
        {
            agent.Report(time.GetUtcNow(), new HotspotTelemetry { BackhaulUp = true, PortalOk = true, Clients = i, UniqueClientsToday = i, RxBytes = i, TxBytes = i });
        }

        var received = new ConcurrentQueue<(string Topic, byte[] Payload)>();
        await using var observer = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "observer-uplink" });
        await observer.ConnectAsync();
        await observer.SubscribeAsync("ci/v1/3548906/hotspot/sc-wifi-77/#", 1);
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var m in observer.Messages.ReadAllAsync(cts.Token))
            {
                received.Enqueue((m.Topic, m.Payload.ToArray()));
            }
        });

        await using var uplink = new Uplink(agent, new UplinkOptions("127.0.0.1", broker.Port, "secret-not-checked-here") { DrainPerSecond = 1000 });
        await uplink.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => received.Count(r => r.Topic.EndsWith("/event", StringComparison.Ordinal)) >= 2 && outbox.PendingCount == 0,
            "backlog and overflow events drained");

        var telemetrySeqs = received.Where(r => r.Topic.EndsWith("/telemetry", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.HotspotTelemetry)!.Seq!.Value).ToList();
        // Oldest first, gap-free: the 20 newest reports.
        Assert.Equal(Enumerable.Range(31, 20).Select(i => (long)i), telemetrySeqs);
        var events = received.Where(r => r.Topic.EndsWith("/event", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.DeviceEvent)!).ToList();
        Assert.All(events, e => Assert.Equal(EventTypes.OutboxOverflow, e.Type));
        Assert.Equal("30 unsent messages dropped: 30 oldest past the outbox limit", events[0].Detail);
        Assert.Equal(2, events.Count);
        Assert.True(events[0].Active);
        Assert.False(events[1].Active); // cleared once the backlog is sent
        Assert.Equal(telemetrySeqs.Count + events.Count, uplink.Published); // each acknowledged by the broker

        var status = received.Where(r => r.Topic.EndsWith("/status", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.DeviceStatus)!).First();
        Assert.Equal(("online", "hotspot", "2.0.0"), (status.State, status.Kind, status.Firmware));

        await uplink.StopAsync(TimeSpan.FromSeconds(2));
        await Wait.UntilAsync(() => received.Any(r => r.Topic.EndsWith("/status", StringComparison.Ordinal)
            && JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.DeviceStatus)!.Reason == "shutdown"), "shutdown status");
        await cts.CancelAsync();
    }
}
