using System.Text;
using System.Threading.Channels;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CidadesInteligentes.Mqtt.Client;

/// <summary>
/// MQTT 3.1.1/5.0 client: QoS 0/1/2 publishing with an in-flight window that honours the server's Receive Maximum,
/// resend with DUP after a reconnect, subscriptions restored when the server lost the session, incoming messages as a
/// channel, keep-alive on a <see cref="TimeProvider"/>, and automatic reconnect with exponential backoff and jitter.
/// </summary>
public sealed partial class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly Channel<MqttMessage> _messages;
    private readonly LinkedList<Outgoing> _inflight = new();
    private readonly Dictionary<ushort, LinkedListNode<Outgoing>> _inflightById = [];
    private readonly Queue<Outgoing> _windowWaiters = new();
    private readonly Dictionary<ushort, TaskCompletionSource<SubAckPacket>> _pendingSubs = [];
    private readonly HashSet<ushort> _incomingQos2 = [];
    private readonly Dictionary<string, TopicSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private MqttConnection? _connection;
    private TaskCompletionSource _connectedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _window;
    private ushort _nextId;
    private bool _stopping;
    private int _disposed;
    private long _lastSentTicks;
    private int _serverMaxPacketSize = int.MaxValue;
    private Task? _supervisor;

    public MqttClient(MqttClientOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _log = logger ?? NullLogger.Instance;
        _window = options.MaxInflight;
        _messages = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.IncomingCapacity) { SingleWriter = true });
    }

    /// <summary>Messages received on this client's subscriptions.</summary>
    public ChannelReader<MqttMessage> Messages => _messages.Reader;

    public bool IsConnected => _connection is { } c && !c.Closed.IsCancellationRequested;

    /// <summary>Unacknowledged QoS 1/2 publishes (they are resent after a reconnect).</summary>
    public int InflightCount
    {
        get
        {
            lock (_gate)
            {
                return _inflight.Count;
            }
        }
    }

    /// <summary>SUBSCRIBE/UNSUBSCRIBE requests waiting for their answer, each holding a packet id (tests).</summary>
    internal int PendingRequestCount
    {
        get
        {
            lock (_gate)
            {
                return _pendingSubs.Count;
            }
        }
    }

    /// <summary>Number of successful connects (first connect included).</summary>
    public int ConnectCount { get; private set; }

    /// <summary>Raised after every successful (re)connect with the server's session-present flag.</summary>
    public event Action<bool>? Connected;

    /// <summary>Raised when a connection is lost (not on <see cref="DisconnectAsync"/>).</summary>
    public event Action<Exception?>? ConnectionLost;

    /// <summary>Connects once; throws <see cref="MqttConnectException"/> when refused. Later drops reconnect automatically.</summary>
    public async Task<ConnAckPacket> ConnectAsync(CancellationToken ct = default)
    {
        var ack = await ConnectOnceAsync(ct).ConfigureAwait(false);
        if (_options.AutoReconnect)
        {
            _supervisor ??= Task.Run(SuperviseAsync);
        }
        return ack;
    }

    /// <summary>Waits until the client is connected (useful after a drop).</summary>
    public Task WaitConnectedAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            return IsConnected ? Task.CompletedTask : _connectedSignal.Task.WaitAsync(ct);
        }
    }

    /// <summary>
    /// Publishes. QoS 0 completes once queued for the socket; QoS 1 on PUBACK; QoS 2 on PUBCOMP. QoS 1/2 publishes
    /// survive reconnects (resent with DUP) until acknowledged or the client is disposed. A publish larger than the
    /// server's Maximum Packet Size fails with <see cref="MqttConnectException"/> reason 0x95 (Packet too large).
    /// </summary>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos = 1, bool retain = false, MqttProperties? properties = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(qos, 2);
        MqttCodec.CheckTopicName(topic, "topic");
        var packet = new PublishPacket { Topic = topic, Payload = payload, Qos = qos, Retain = retain, Properties = properties };
        if (TooLarge(packet) is { } tooLarge)
        {
            throw tooLarge;
        }
        if (qos == 0)
        {
            var c = _connection ?? throw new InvalidOperationException("not connected");
            await c.SendAsync(packet, ct).ConfigureAwait(false);
            Volatile.Write(ref _lastSentTicks, Now());
            return;
        }
        var outgoing = new Outgoing(packet);
        lock (_gate)
        {
            // Publishes take window slots strictly in call order: a queued publish is started (id assigned and
            // handed to the socket queue) under the lock by whoever frees a slot, so the wire order is the call order.
            if (_window > 0 && _windowWaiters.Count == 0)
            {
                if (StartLocked(outgoing))
                {
                    _window--;
                }
            }
            else
            {
                _windowWaiters.Enqueue(outgoing);
            }
        }
        using var reg = ct.Register(() => outgoing.Done.TrySetCanceled(ct));
        await outgoing.Done.Task.ConfigureAwait(false);
    }

    public Task PublishAsync(string topic, string payload, int qos = 1, bool retain = false, CancellationToken ct = default) =>
        PublishAsync(topic, Encoding.UTF8.GetBytes(payload), qos, retain, null, ct);

    /// <summary>
    /// With <see cref="MqttClientOptions.ManualAcknowledge"/>, sends the PUBACK of a QoS 1 message now. If the connection
    /// it came on is gone, nothing is sent: the server redelivers it on the persistent session.
    /// </summary>
    public void Acknowledge(MqttMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Qos == 1 && _options.ManualAcknowledge && message.Connection is MqttConnection c && ReferenceEquals(c, _connection) && !c.Closed.IsCancellationRequested)
        {
            c.TrySend(new PubAckPacket(PacketType.PubAck, message.PacketId));
        }
    }

    /// <summary>Sends DISCONNECT (the will is discarded unless <paramref name="withWill"/>) and stops reconnecting.</summary>
    public async Task DisconnectAsync(bool withWill = false, CancellationToken ct = default)
    {
        _stopping = true;
        var c = _connection;
        if (c is null)
        {
            return;
        }
        try
        {
            await c.SendAsync(new DisconnectPacket(reasonCode: withWill ? ReasonCodes.DisconnectWithWill : ReasonCodes.Success), ct).ConfigureAwait(false);
            await c.CompleteAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException)
        {
        }
        await c.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // disposing twice (a test harness and a test, say) is harmless
        }
        _stopping = true;
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_connection is { } c)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }
        if (_supervisor is not null)
        {
            try
            {
                await _supervisor.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        lock (_gate)
        {
            foreach (var o in _inflight)
            {
                o.Done.TrySetException(new ObjectDisposedException(nameof(MqttClient)));
            }
            foreach (var w in _windowWaiters)
            {
                w.Done.TrySetException(new ObjectDisposedException(nameof(MqttClient)));
            }
            foreach (var s in _pendingSubs.Values)
            {
                s.TrySetException(new ObjectDisposedException(nameof(MqttClient)));
            }
        }
        _messages.Writer.TryComplete();
        _disposing.Dispose();
    }
}
