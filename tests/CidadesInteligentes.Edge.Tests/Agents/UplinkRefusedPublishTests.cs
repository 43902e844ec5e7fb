using System.Collections.Concurrent;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

/// <summary>
/// A cloud that cannot store answers a QoS 1 publish with a failure PUBACK (MQTT 5, reason 0x80). The message was not
/// delivered: it must stay in the outbox and be sent again by the running agent, not only after a restart.
/// </summary>
public sealed class UplinkRefusedPublishTests
{
    /// <summary>Refuses the first <paramref name="refusals"/> telemetry publishes with 0x80, then stores every one.</summary>
    private sealed class FlakyStoreSink(int refusals) : IBrokerMessageSink
    {
        private int _refusalsLeft = refusals;

        public ConcurrentQueue<long> StoredSeqs { get; } = new();

        public ConcurrentQueue<long> RefusedSeqs { get; } = new();

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            if (!message.Topic.EndsWith("/telemetry", StringComparison.Ordinal))
            {
                return new(ReasonCodes.Success);
            }
            var seq = JsonSerializer.Deserialize(message.Payload.Span, TelemetryJson.Default.HotspotTelemetry)!.Seq!.Value;
            if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
            {
                RefusedSeqs.Enqueue(seq);
                return new(ReasonCodes.UnspecifiedError);
            }
            StoredSeqs.Enqueue(seq);
            return new(ReasonCodes.Success);
        }
    }

    /// <summary>Refuses every status publish with 0x80 and records how connections ended.</summary>
    private sealed class StatusRefusingSink : IBrokerMessageSink
    {
        public ConcurrentQueue<string> RefusedStatuses { get; } = new();

        public ConcurrentQueue<bool> Disconnects { get; } = new();

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            if (!message.Topic.EndsWith("/status", StringComparison.Ordinal))
            {
                return new(ReasonCodes.Success);
            }
            RefusedStatuses.Enqueue(System.Text.Encoding.UTF8.GetString(message.Payload.Span));
            return new(ReasonCodes.UnspecifiedError);
        }

        public void OnConnectionChanged(BrokerClient client, bool connected, bool graceful)
        {
            if (!connected)
            {
                Disconnects.Enqueue(graceful);
            }
        }
    }

    [Fact]
    public async Task Stopping_while_the_cloud_refuses_the_shutdown_status_still_disconnects_cleanly()
    {
        // StopAsync threw the refusal: the worker then skipped the agent's flush (burn time, the run marker: a reboot
        // after it was reported as a supply loss) and the device left without DISCONNECT, so its Will went out too.
        var sink = new StatusRefusingSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var agent = new HotspotAgent(new DeviceIdentity("sc-wifi-92", "3548906", DeviceKind.Hotspot, "1.0.0"), new MemoryOutbox(maxMessages: 100), null, time);
        var log = new ConcurrentQueue<(LogLevel Level, string Text)>();
        await using var uplink = new Uplink(agent, new UplinkOptions("127.0.0.1", broker.Port, "not-checked"), time, new CapturingLogger(log));
        await uplink.StartAsync(CancellationToken.None);
        // the refused birth is logged (it was an unobserved task exception)
        await Wait.UntilAsync(() => log.Any(l => l.Text.StartsWith("birth status not published", StringComparison.Ordinal)), "the refused online status logged");
        Assert.Contains("reason 0x80", log.First(l => l.Text.StartsWith("birth status", StringComparison.Ordinal)).Text, StringComparison.Ordinal);

        await Wait.ForAsync(uplink.StopAsync(TimeSpan.Zero), "the uplink stops");

        Assert.Contains(sink.RefusedStatuses, s => s.Contains("\"reason\":\"shutdown\"", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Level == LogLevel.Warning && l.Text.StartsWith("shutdown status not published", StringComparison.Ordinal));
        Assert.False(uplink.IsConnected);
        await Wait.UntilAsync(() => !sink.Disconnects.IsEmpty, "the broker sees the device go");
        Assert.True(Assert.Single(sink.Disconnects), "a clean DISCONNECT, not a lost link");
    }

    [Fact]
    public async Task A_publish_the_cloud_refuses_stays_in_the_outbox_and_is_sent_again_after_the_delay()
    {
        var sink = new FlakyStoreSink(refusals: 2);
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var outbox = new MemoryOutbox(maxMessages: 100);
        var agent = new HotspotAgent(new DeviceIdentity("sc-wifi-91", "3548906", DeviceKind.Hotspot, "1.0.0"), outbox, null, time);
        for (var i = 0; i < 5; i++)
        {
            agent.Report(time.GetUtcNow(), new HotspotTelemetry { BackhaulUp = true, PortalOk = true, Clients = i, UniqueClientsToday = i, RxBytes = i, TxBytes = i });
        }

        var delay = TimeSpan.FromSeconds(5);
        await using var uplink = new Uplink(agent, new UplinkOptions("127.0.0.1", broker.Port, "not-checked") { RejectedRetryDelay = delay }, time);
        await uplink.StartAsync(CancellationToken.None);

        // seqs 1 and 2 are refused, 3–5 stored; the refused two stay in the outbox and nothing is in flight
        await Wait.UntilAsync(() => sink.StoredSeqs.Count == 3 && uplink.Refused == 2 && uplink.InFlight == 0, "first pass: 3 stored, 2 refused");
        Assert.Equal([1L, 2L], sink.RefusedSeqs.Order());
        Assert.Equal(2, outbox.PendingCount);
        Assert.Equal(3, uplink.Published);

        // not before the delay: the drain polls at least once a second, so two polls pass without a resend
        var polls = uplink.DrainPasses;
        await Wait.UntilAsync(() => uplink.DrainPasses >= polls + 2, "two drain passes before the delay");
        Assert.Equal(3, sink.StoredSeqs.Count);
        Assert.Equal(2, outbox.PendingCount);

        time.Advance(delay);
        await Wait.UntilAsync(() => outbox.PendingCount == 0 && sink.StoredSeqs.Count == 5, "refused messages sent again and acknowledged");
        Assert.Equal([1L, 2L, 3L, 4L, 5L], sink.StoredSeqs.Order());
        Assert.Equal(5, uplink.Published);
        Assert.Equal(2, uplink.Refused);
    }
}
