using System.Collections.Concurrent;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class SinkHookTests
{
    /// <summary>Holds each message until the test releases it, like a slow durable store.</summary>
    private sealed class GatedSink : IBrokerMessageSink
    {
        public ConcurrentQueue<(string Payload, TaskCompletionSource<byte> Done)> Pending { get; } = new();

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            var done = new TaskCompletionSource<byte>(TaskCreationOptions.RunContinuationsAsynchronously);
            Pending.Enqueue((System.Text.Encoding.UTF8.GetString(message.Payload.Span), done));
            return new ValueTask<byte>(done.Task);
        }
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Puback_waits_for_the_sink_and_keeps_publish_order(MqttProtocolVersion v)
    {
        var sink = new GatedSink();
        await using var h = await BrokerHarness.StartAsync(sink: sink);
        var (pub, _) = await RawClient.ConnectAsync(h.Port, "dev", v);
        await using var _p = pub;
        for (ushort id = 1; id <= 3; id++)
        {
            await pub.SendAsync(new PublishPacket { Topic = "ci/x", Payload = System.Text.Encoding.UTF8.GetBytes($"{id - 1}"), Qos = 1, PacketId = id });
        }
        await Testing.Wait.UntilAsync(() => sink.Pending.Count == 3, "sink saw the 3 publishes");
        Assert.Equal(["0", "1", "2"], sink.Pending.Select(p => p.Payload));
        var items = sink.Pending.ToArray();
        items[2].Done.SetResult(ReasonCodes.Success); // the last one is stored first...
        items[1].Done.SetResult(ReasonCodes.Success);
        Assert.Null(await RawClient.MaybeReadAsync(pub, 300)); // ...but no PUBACK may overtake the first, still unstored
        items[0].Done.SetResult(ReasonCodes.Success);
        for (ushort id = 1; id <= 3; id++)
        {
            Assert.Equal(id, Assert.IsType<PubAckPacket>(await RawClient.ReadAsync(pub)).PacketId);
        }
    }

    [Fact]
    public async Task V5_sink_failure_becomes_a_negative_puback()
    {
        var sink = new GatedSink();
        await using var h = await BrokerHarness.StartAsync(sink: sink);
        var pub = await h.ConnectAsync("dev", MqttProtocolVersion.V500);
        var send = pub.PublishAsync("ci/x", "x", 1);
        await Testing.Wait.UntilAsync(() => !sink.Pending.IsEmpty, "sink called");
        sink.Pending.First().Done.SetResult(ReasonCodes.QuotaExceeded);
        var e = await Assert.ThrowsAsync<Client.MqttConnectException>(() => send);
        Assert.Equal(ReasonCodes.QuotaExceeded, e.ReasonCode);
    }
}
