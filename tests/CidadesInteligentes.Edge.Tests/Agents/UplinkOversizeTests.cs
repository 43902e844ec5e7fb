using System.Collections.Concurrent;
using System.Text;
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
/// A message larger than the broker's Maximum Packet Size (MQTT 5 CONNACK) can never be delivered. It used to stay
/// in flight for good: its outbox entry never completed and it held a slot of the uplink's window. It must leave the
/// outbox, counted and logged in plain words, and not be retried like a message the broker refused (0x80).
/// </summary>
public sealed class UplinkOversizeTests
{
    private static readonly DeviceIdentity Identity = new("sc-wifi-93", "3548906", DeviceKind.Hotspot, "1.0.0");

    private sealed class RecordingSink : IBrokerMessageSink
    {
        public ConcurrentQueue<long> StoredSeqs { get; } = new();

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            if (message.Topic.EndsWith("/telemetry", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(message.Payload);
                StoredSeqs.Enqueue(json.RootElement.GetProperty("seq").GetInt64());
            }
            return new(ReasonCodes.Success);
        }
    }

    [Fact]
    public async Task A_message_larger_than_the_broker_accepts_leaves_the_outbox_with_a_plain_error_and_the_rest_flows()
    {
        var sink = new RecordingSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0, MaxPacketSize = 4096 }, sink: sink);
        await broker.StartAsync();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var outbox = new MemoryOutbox(maxMessages: 100);
        var agent = new HotspotAgent(Identity, outbox, null, time);
        Enqueue(outbox, time, padding: 100);
        Enqueue(outbox, time, padding: 10_000); // seq 2: more than the broker's 4096 bytes
        Enqueue(outbox, time, padding: 100);

        var delay = TimeSpan.FromSeconds(5);
        var log = new ConcurrentQueue<(LogLevel Level, string Text)>();
        var options = new UplinkOptions("127.0.0.1", broker.Port, "not-checked") { MaxInFlight = 1, RejectedRetryDelay = delay };
        await using var uplink = new Uplink(agent, options, time, new CapturingLogger(log));
        await uplink.StartAsync(CancellationToken.None);

        // the window holds one publish: the oversized one must give its slot back for seq 3 to go
        await Wait.UntilAsync(() => outbox.PendingCount == 0 && uplink.InFlight == 0, "the outbox emptied");
        Assert.Equal([1L, 3L], sink.StoredSeqs);
        Assert.Equal((2L, 1L, 0L), (uplink.Published, uplink.TooLarge, uplink.Refused));
        var error = Assert.Single(log, l => l.Level == LogLevel.Error).Text;
        Assert.Contains("can never be delivered", error, StringComparison.Ordinal);
        Assert.Contains("4096 bytes", error, StringComparison.Ordinal);
        Assert.DoesNotContain(log, l => l.Text.StartsWith("broker refused", StringComparison.Ordinal));

        // not handed again once the delay of a refused message has passed
        time.Advance(delay * 2);
        var polls = uplink.DrainPasses;
        await Wait.UntilAsync(() => uplink.DrainPasses >= polls + 2, "two drain passes after the delay");
        Assert.Equal((1L, 0L, 0), (uplink.TooLarge, uplink.Refused, uplink.InFlight));
        Assert.Equal([1L, 3L], sink.StoredSeqs);
    }

    private static void Enqueue(MemoryOutbox outbox, ManualTimeProvider time, int padding) =>
        outbox.Enqueue(OutboxStreams.Telemetry, Identity.Topic(TopicStream.Telemetry), time.GetUtcNow(), seq =>
            Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}},"pad":"{{new string('x', padding)}}"}"""));
}
