using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>A slow sink (durable store) stops the broker reading a publisher: pending sink calls stay bounded, nothing is lost.</summary>
public sealed class SinkBackpressureTests
{
    private const int Bound = 64;
    private const int Total = 10_000;

    /// <summary>Holds every call until released; counts the calls pending at once.</summary>
    private sealed class BlockingSink : IBrokerMessageSink
    {
        private readonly TaskCompletionSource<byte> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pending;
        private int _maxPending;

        public ConcurrentQueue<int> Received { get; } = new();
        public int MaxPending => Volatile.Read(ref _maxPending);

        public void Release() => _release.SetResult(ReasonCodes.Success);

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            var pending = Interlocked.Increment(ref _pending);
            var max = Volatile.Read(ref _maxPending);
            while (pending > max && Interlocked.CompareExchange(ref _maxPending, pending, max) != max)
            {
                max = Volatile.Read(ref _maxPending);
            }
            Received.Enqueue(BinaryPrimitives.ReadInt32LittleEndian(message.Payload.Span));
            return new ValueTask<byte>(StoreAsync());
        }

        private async Task<byte> StoreAsync()
        {
            var reason = await _release.Task;
            Interlocked.Decrement(ref _pending); // before the broker can see the call complete
            return reason;
        }
    }

    /// <summary>A 3.1.1 publisher on a raw socket that writes PUBLISHes without ever waiting for a PUBACK.</summary>
    private sealed class Flood(Socket socket, int qos)
    {
        private byte[] _packet = [];
        private int _offset;

        /// <summary>PUBLISHes handed (at least partly) to the socket so far.</summary>
        public int Started { get; private set; }

        public static byte[] Packet(int i, int qos)
        {
            var payload = new byte[8 * 1024]; // large, so that 10,000 of them overflow every socket buffer
            BinaryPrimitives.WriteInt32LittleEndian(payload, i);
            return MqttCodec.ToArray(new PublishPacket { Topic = "ci/flood", Payload = payload, Qos = qos, PacketId = qos > 0 ? (ushort)(i + 1) : (ushort)0 }, MqttProtocolVersion.V311);
        }

        /// <summary>Writes without blocking until the kernel refuses more (true) or everything is written (false).</summary>
        public bool WriteUntilRefused()
        {
            socket.Blocking = false;
            while (true)
            {
                if (_offset == _packet.Length)
                {
                    if (Started == Total)
                    {
                        return false;
                    }
                    _packet = Packet(Started++, qos);
                    _offset = 0;
                }
                var sent = socket.Send(_packet, _offset, _packet.Length - _offset, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    return true;
                }
                Assert.Equal(SocketError.Success, error);
                _offset += sent;
            }
        }

        public async Task WriteRestAsync()
        {
            socket.Blocking = true;
            await socket.SendAsync(_packet.AsMemory(_offset));
            while (Started < Total)
            {
                await socket.SendAsync(Packet(Started++, qos));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public async Task A_publisher_that_never_waits_is_not_read_past_the_pending_sink_bound(int qos)
    {
        var sink = new BlockingSink();
        await using var h = await BrokerHarness.StartAsync(o => o.MaxPendingSinkCalls = Bound, sink: sink);
        using var socket = await h.RawAsync();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(MqttCodec.ToArray(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V311, ClientId = "flood", KeepAliveSeconds = 0 }, MqttProtocolVersion.V311));
        var connAck = new byte[4];
        await stream.ReadExactlyAsync(connAck);
        Assert.Equal([0x20, 0x02, 0x00, 0x00], connAck);
        var acked = 0;
        var pubAcks = qos == 0 ? Task.CompletedTask : ReadPubAcksInOrderAsync(stream, () => acked++);

        // the store holds everything: the broker takes Bound messages, then stops reading, and the socket fills up
        var flood = new Flood(socket, qos);
        Assert.True(flood.WriteUntilRefused(), "the socket refused more while the sink was blocked");
        await Wait.UntilAsync(() => sink.Received.Count >= Bound, $"the sink saw {Bound} messages");
        Assert.True(flood.WriteUntilRefused(), "the broker still does not read");
        Assert.Equal(Bound, sink.Received.Count);
        Assert.Equal(Bound, sink.MaxPending);
        Assert.True(flood.Started < Total, "not every message could be written");
        Assert.Equal(0, Volatile.Read(ref acked));

        // once stored, the rest flows: every message reaches the sink once, in order, and every QoS 1 one is acknowledged in order
        sink.Release();
        await Wait.ForAsync(flood.WriteRestAsync(), "the rest of the flood written");
        await Wait.UntilAsync(() => sink.Received.Count >= Total, $"the sink saw all {Total} messages");
        await Wait.ForAsync(pubAcks, "every PUBACK, in order");
        Assert.Equal(Enumerable.Range(0, Total), sink.Received);
        Assert.Equal(Bound, sink.MaxPending);
        Assert.Equal(qos == 0 ? 0 : Total, acked);
    }

    private static async Task ReadPubAcksInOrderAsync(NetworkStream stream, Action acked)
    {
        var ack = new byte[4];
        for (var id = 1; id <= Total; id++)
        {
            await stream.ReadExactlyAsync(ack);
            Assert.Equal([0x40, 0x02, (byte)(id >> 8), (byte)id], ack);
            acked();
        }
    }

    /// <summary>Answers every publish with a faulted task, like a store that threw.</summary>
    private sealed class FailingSink : IBrokerMessageSink
    {
        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct) => new(FailAsync());

        private static async Task<byte> FailAsync()
        {
            await Task.Yield();
            throw new IOException("disk full");
        }
    }

    [Fact]
    public async Task V5_sink_exception_becomes_a_negative_puback()
    {
        await using var h = await BrokerHarness.StartAsync(sink: new FailingSink());
        var (pub, _) = await RawClient.ConnectAsync(h.Port, "dev", MqttProtocolVersion.V500);
        await using var _p = pub;
        await pub.SendAsync(new PublishPacket { Topic = "ci/x", Payload = "x"u8.ToArray(), Qos = 1, PacketId = 7 });
        var ack = Assert.IsType<PubAckPacket>(await RawClient.ReadAsync(pub));
        Assert.Equal(7, ack.PacketId);
        Assert.Equal(ReasonCodes.UnspecifiedError, ack.ReasonCode);
    }

    [Fact]
    public async Task V311_sink_exception_closes_the_connection_without_a_puback()
    {
        await using var h = await BrokerHarness.StartAsync(sink: new FailingSink());
        var (pub, _) = await RawClient.ConnectAsync(h.Port, "dev", MqttProtocolVersion.V311);
        await using var _p = pub;
        await pub.SendAsync(new PublishPacket { Topic = "ci/x", Payload = "x"u8.ToArray(), Qos = 1, PacketId = 7 });
        Assert.Null(await RawClient.ReadAsync(pub)); // closed: the client will send it again
    }
}
