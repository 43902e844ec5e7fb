using System.Net;
using System.Threading.Channels;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;

namespace CidadesInteligentes.Mqtt.Broker;

/// <summary>One network connection: CONNECT handshake, then the packet loop, keep-alive and ordered acknowledgements.</summary>
internal sealed partial class ClientHandler
{
    private readonly MqttBroker _broker;
    private readonly MqttConnection _connection;
    private readonly EndPoint? _remote;
    private readonly Dictionary<ushort, string> _aliases = [];
    private readonly Channel<PendingAck> _acks;

    /// <summary>Sink calls of this connection that had not completed when last looked at, oldest first (bounded by <see cref="BrokerOptions.MaxPendingSinkCalls"/>).</summary>
    private readonly Queue<Task<byte>> _pendingSink = new();
    private int _incomingInflight;
    private bool _graceful;
    private bool _publishWillOnDisconnect;
    private byte _closeReason = ReasonCodes.UnspecifiedError;
    private int _droppedTooLargeLogged;

    public ClientHandler(MqttBroker broker, MqttConnection connection, EndPoint? remote)
    {
        _broker = broker;
        _connection = connection;
        _remote = remote;
        _connection.DroppedTooLarge = OnDroppedTooLarge;
        // the packet loop waits here when acknowledgements pile up behind a slow sink (room for every publish a
        // 5.0 client may have in flight, so Receive Maximum keeps its meaning)
        _acks = Channel.CreateBounded<PendingAck>(new BoundedChannelOptions(Math.Max(MaxPendingSinkCalls, Options.MaxInflightFromClient))
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public BrokerClient? Client { get; private set; }
    public Session? Session { get; private set; }
    public WillMessage? Will { get; private set; }
    public uint WillDelaySeconds { get; private set; }
    public bool TakenOver { get; private set; }
    private BrokerOptions Options => _broker.Options;
    private BrokerMetrics Metrics => _broker.Metrics;
    private int MaxPendingSinkCalls => Math.Max(1, Options.MaxPendingSinkCalls);

    /// <summary>
    /// 5.0: true when the packet is larger than the client's Maximum Packet Size, so it must not be sent and counts as
    /// sent (MQTT 5 §3.1.2.11.4); it is then recorded like one the connection's writer drops.
    /// </summary>
    public bool DiscardIfTooLarge(MqttPacket packet)
    {
        if (_connection.MaxOutgoingPacketSize == int.MaxValue)
        {
            return false;
        }
        var size = MqttCodec.GetSize(packet, _connection.Version);
        if (size <= _connection.MaxOutgoingPacketSize)
        {
            return false;
        }
        OnDroppedTooLarge(packet, size);
        return true;
    }

    /// <summary>
    /// A packet discarded for the client's Maximum Packet Size: spec-correct, but the client never learns of it, so it is
    /// counted every time and logged once per connection (a device asking for small packets would flood the log).
    /// </summary>
    private void OnDroppedTooLarge(MqttPacket packet, int size)
    {
        Interlocked.Increment(ref Metrics.PacketsTooLargeValue);
        if (Interlocked.Exchange(ref _droppedTooLargeLogged, 1) == 0)
        {
            _broker.Log($"client {Client?.ClientId ?? _remote?.ToString()}: {packet.Type} of {size} bytes not sent, more than its Maximum Packet Size ({_connection.MaxOutgoingPacketSize} bytes); further ones on this connection are only counted (packetsTooLarge)");
        }
    }

    /// <summary>Queues a packet for the socket; a client that does not read is disconnected (slow-reader protection).</summary>
    public bool TrySendPacket(MqttPacket packet)
    {
        if (_connection.TrySend(packet))
        {
            return true;
        }
        if (!_connection.Closed.IsCancellationRequested)
        {
            Interlocked.Increment(ref Metrics.SlowReaderDisconnectsValue);
            _broker.Log($"client {Client?.ClientId} disconnected: not reading (send queue full)");
            _ = _connection.DisposeAsync().AsTask();
        }
        return false;
    }

    /// <summary>Another connection took this client id over.</summary>
    public void TakeOver()
    {
        TakenOver = true;
        if (_connection.Version == MqttProtocolVersion.V500)
        {
            _connection.TrySend(new DisconnectPacket(reasonCode: ReasonCodes.SessionTakenOver));
        }
        _ = CloseSoonAsync();
    }

    private async Task CloseSoonAsync()
    {
        try
        {
            await _connection.CompleteAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException or OperationCanceledException)
        {
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var attached = false;
        var ackLoop = Task.CompletedTask;
        try
        {
            var connect = await ReadConnectAsync(stopping).ConfigureAwait(false);
            if (connect is null)
            {
                return;
            }
            attached = await HandshakeAsync(connect).ConfigureAwait(false);
            if (!attached)
            {
                return;
            }
            ackLoop = Task.Run(AckLoopAsync, CancellationToken.None);
            await PacketLoopAsync(connect.KeepAliveSeconds, stopping).ConfigureAwait(false);
        }
        catch (MqttProtocolException e)
        {
            Interlocked.Increment(ref Metrics.ProtocolErrorsValue);
            _broker.Log($"client {Client?.ClientId ?? _remote?.ToString()} disconnected: {e.Rule}");
            if (_connection.Version == MqttProtocolVersion.V500 && attached)
            {
                _connection.TrySend(new DisconnectPacket(reasonCode: e.ReasonCode) { Properties = new MqttProperties { ReasonString = Trim(e.Rule) } });
                await CloseSoonAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _acks.Writer.TryComplete();
            try
            {
                await ackLoop.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }
            await _connection.DisposeAsync().ConfigureAwait(false);
            if (attached)
            {
                _broker.OnClosed(this, _graceful && !_publishWillOnDisconnect);
            }
        }
    }

    private static string Trim(string s) => s.Length <= 200 ? s : s[..200];

    public override string ToString() => $"{Client?.ClientId} ({_remote}) close 0x{_closeReason:X2}";
}
