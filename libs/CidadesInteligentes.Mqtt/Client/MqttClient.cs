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
public sealed class MqttClient : IAsyncDisposable
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
    /// survive reconnects (resent with DUP) until acknowledged or the client is disposed.
    /// </summary>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos = 1, bool retain = false, MqttProperties? properties = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(qos, 2);
        MqttCodec.CheckTopicName(topic, "topic");
        var packet = new PublishPacket { Topic = topic, Payload = payload, Qos = qos, Retain = retain, Properties = properties };
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
                _window--;
                StartLocked(outgoing);
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

    /// <summary>Subscribes; returns the granted QoS / reason code per filter. Remembered and restored after reconnects.</summary>
    public async Task<IReadOnlyList<byte>> SubscribeAsync(IEnumerable<TopicSubscription> subscriptions, MqttProperties? properties = null, CancellationToken ct = default)
    {
        var packet = new SubscribePacket { Subscriptions = subscriptions.ToList(), Properties = properties };
        var ack = await RequestAsync(packet, id => packet.PacketId = id, ct).ConfigureAwait(false);
        lock (_gate)
        {
            for (var i = 0; i < packet.Subscriptions.Count && i < ack.ReasonCodes.Count; i++)
            {
                if (ack.ReasonCodes[i] < 0x80)
                {
                    _subscriptions[packet.Subscriptions[i].Filter] = packet.Subscriptions[i];
                }
            }
        }
        return ack.ReasonCodes;
    }

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

    public Task<IReadOnlyList<byte>> SubscribeAsync(string filter, int qos = 1, CancellationToken ct = default) =>
        SubscribeAsync([new TopicSubscription(filter, qos)], null, ct);

    public async Task UnsubscribeAsync(IEnumerable<string> filters, CancellationToken ct = default)
    {
        var packet = new UnsubscribePacket { Filters = filters.ToList() };
        await RequestAsync(packet, id => packet.PacketId = id, ct).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var f in packet.Filters)
            {
                _subscriptions.Remove(f);
            }
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

    private async Task<ConnAckPacket> ConnectOnceAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposing.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        var connection = await MqttConnection.ConnectTcpAsync(_options.Host, _options.Port, _options.Tls, _options.MaxPacketSize, timeout.Token).ConfigureAwait(false);
        try
        {
            connection.Version = _options.Version;
            var v5 = _options.Version == MqttProtocolVersion.V500;
            var connect = new ConnectPacket
            {
                ProtocolVersion = _options.Version,
                ClientId = _options.ClientId,
                CleanStart = _options.CleanStart,
                KeepAliveSeconds = _options.KeepAliveSeconds,
                Username = _options.Username,
                Password = _options.Password is null ? null : Encoding.UTF8.GetBytes(_options.Password),
                Will = _options.Will,
                Properties = v5
                    ? new MqttProperties
                    {
                        SessionExpiryInterval = _options.SessionExpirySeconds == 0 ? null : _options.SessionExpirySeconds,
                        ReceiveMaximum = _options.ReceiveMaximum,
                        MaximumPacketSize = (uint)_options.MaxPacketSize,
                    }
                    : null,
            };
            await connection.SendAsync(connect, timeout.Token).ConfigureAwait(false);
            var first = await connection.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (first is not ConnAckPacket ack)
            {
                throw new MqttProtocolException($"expected CONNACK, got {first?.ToString() ?? "end of stream"}", ReasonCodes.ProtocolError);
            }
            if (ack.ReasonCode != ReasonCodes.Success)
            {
                throw new MqttConnectException(ack.ReasonCode, $"server refused the connection: reason 0x{ack.ReasonCode:X2} ({ack.Properties?.ReasonString ?? DescribeRefusal(ack.ReasonCode)})");
            }
            if (ack.Properties?.MaximumPacketSize is { } max)
            {
                connection.MaxOutgoingPacketSize = (int)Math.Min(max, int.MaxValue);
            }
            var serverWindow = ack.Properties?.ReceiveMaximum ?? ushort.MaxValue;
            List<MqttPacket> resend = [];
            lock (_gate)
            {
                // publishes started by a larger window are resent below with the rest, in packet order
                SetWindowLimit(Math.Min(_options.MaxInflight, serverWindow));
                foreach (var o in _inflight)
                {
                    if (o.Released)
                    {
                        resend.Add(new PubAckPacket(PacketType.PubRel, o.Packet.PacketId));
                    }
                    else
                    {
                        o.Packet.Dup = o.Sent;
                        o.Sent = true;
                        resend.Add(o.Packet);
                    }
                }
                _connection = connection;
                if (!ack.SessionPresent && _subscriptions.Count > 0)
                {
                    var id = NextPacketId();
                    var tcs = new TaskCompletionSource<SubAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pendingSubs[id] = tcs;
                    resend.Insert(0, new SubscribePacket { PacketId = id, Subscriptions = [.. _subscriptions.Values] });
                }
                ConnectCount++;
                _connectedSignal.TrySetResult();
            }
            _ = Task.Run(() => ReadLoopAsync(connection));
            _ = Task.Run(() => KeepAliveLoopAsync(connection));
            foreach (var p in resend)
            {
                await connection.SendAsync(p, timeout.Token).ConfigureAwait(false);
            }
            Volatile.Write(ref _lastSentTicks, Now());
            Connected?.Invoke(ack.SessionPresent);
            return ack;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string DescribeRefusal(byte code) => code switch
    {
        ReasonCodes.BadUserNameOrPassword => "bad user name or password",
        ReasonCodes.NotAuthorized => "not authorized",
        ReasonCodes.ClientIdentifierNotValid => "client identifier not valid",
        ReasonCodes.UnsupportedProtocolVersion => "unsupported protocol version",
        ReasonCodes.ServerUnavailable or ReasonCodes.ServerBusy => "server unavailable",
        _ => "refused",
    };

    private async Task ReadLoopAsync(MqttConnection connection)
    {
        Exception? error = null;
        try
        {
            while (await connection.ReadAsync(connection.Closed).ConfigureAwait(false) is { } packet)
            {
                await HandleAsync(connection, packet).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e;
        }
        await OnConnectionLostAsync(connection, error).ConfigureAwait(false);
    }

    private async Task HandleAsync(MqttConnection connection, MqttPacket packet)
    {
        switch (packet)
        {
            case PublishPacket p:
                if (p.Qos == 2)
                {
                    bool fresh;
                    lock (_gate)
                    {
                        fresh = _incomingQos2.Add(p.PacketId);
                    }
                    if (fresh)
                    {
                        await _messages.Writer.WriteAsync(new MqttMessage(p.Topic, p.Payload, p.Qos, p.Retain, p.Properties), _disposing.Token).ConfigureAwait(false);
                    }
                    connection.TrySend(new PubAckPacket(PacketType.PubRec, p.PacketId));
                }
                else
                {
                    await _messages.Writer.WriteAsync(new MqttMessage(p.Topic, p.Payload, p.Qos, p.Retain, p.Properties) { PacketId = p.PacketId, Connection = connection }, _disposing.Token).ConfigureAwait(false);
                    if (p.Qos == 1 && !_options.ManualAcknowledge)
                    {
                        connection.TrySend(new PubAckPacket(PacketType.PubAck, p.PacketId));
                    }
                }
                break;
            case PubAckPacket { Type: PacketType.PubRel } rel:
                lock (_gate)
                {
                    _incomingQos2.Remove(rel.PacketId);
                }
                connection.TrySend(new PubAckPacket(PacketType.PubComp, rel.PacketId));
                break;
            case PubAckPacket { Type: PacketType.PubRec } rec:
                if (rec.ReasonCode >= 0x80)
                {
                    Complete(rec.PacketId, rec.ReasonCode);
                    break;
                }
                lock (_gate)
                {
                    if (_inflightById.TryGetValue(rec.PacketId, out var node))
                    {
                        node.Value.Released = true;
                    }
                }
                connection.TrySend(new PubAckPacket(PacketType.PubRel, rec.PacketId));
                break;
            case PubAckPacket ack: // PUBACK or PUBCOMP
                Complete(ack.PacketId, ack.ReasonCode);
                break;
            case SubAckPacket sub:
                TaskCompletionSource<SubAckPacket>? waiter;
                lock (_gate)
                {
                    _pendingSubs.Remove(sub.PacketId, out waiter);
                }
                waiter?.TrySetResult(sub);
                break;
            case DisconnectPacket d:
                throw new IOException($"server disconnected: reason 0x{d.ReasonCode:X2} {d.Properties?.ReasonString}");
            case PingPacket:
                connection.LastPingResponse = Now();
                break;
            default:
                throw new MqttProtocolException($"unexpected {packet} from server", ReasonCodes.ProtocolError);
        }
    }

    private void Complete(ushort id, byte reason)
    {
        Outgoing? done = null;
        lock (_gate)
        {
            if (_inflightById.Remove(id, out var node))
            {
                _inflight.Remove(node);
                done = node.Value;
                ReleaseWindow();
            }
        }
        if (done is null)
        {
            return;
        }
        if (reason >= 0x80)
        {
            done.Done.TrySetException(new MqttConnectException(reason, $"server rejected publish to {done.Packet.Topic}: reason 0x{reason:X2}"));
        }
        else
        {
            done.Done.TrySetResult();
        }
    }

    private async Task KeepAliveLoopAsync(MqttConnection connection)
    {
        if (_options.KeepAliveSeconds == 0)
        {
            return;
        }
        var keepAlive = TimeSpan.FromSeconds(_options.KeepAliveSeconds);
        var tick = keepAlive / 4;
        long pingSentAt = 0;
        try
        {
            while (!connection.Closed.IsCancellationRequested)
            {
                await Task.Delay(tick, _options.TimeProvider, connection.Closed).ConfigureAwait(false);
                var now = Now();
                if (pingSentAt != 0 && connection.LastPingResponse < pingSentAt)
                {
                    if (now - pingSentAt > keepAlive.TotalMilliseconds)
                    {
                        // no PINGRESP within a keep-alive period: the link is dead even if TCP has not noticed
                        await connection.DisposeAsync().ConfigureAwait(false);
                        return;
                    }
                    continue;
                }
                pingSentAt = 0;
                var idle = now - Volatile.Read(ref _lastSentTicks);
                if (idle >= keepAlive.TotalMilliseconds * 0.5)
                {
                    pingSentAt = now;
                    connection.TrySend(PingPacket.Request);
                    Volatile.Write(ref _lastSentTicks, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task OnConnectionLostAsync(MqttConnection connection, Exception? error)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_connection, connection))
            {
                return;
            }
            _connection = null;
            if (_connectedSignal.Task.IsCompleted)
            {
                _connectedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            _incomingQos2.Clear();
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        if (!_stopping)
        {
            _log.LogWarning("MQTT connection to {Host}:{Port} lost: {Error}", _options.Host, _options.Port, error?.Message ?? "closed by server");
            ConnectionLost?.Invoke(error);
        }
    }

    private async Task SuperviseAsync()
    {
        var attempt = 0;
        var token = _disposing.Token;
        while (!token.IsCancellationRequested && !_stopping)
        {
            if (IsConnected)
            {
                try
                {
                    await _connection!.Closed.WaitHandle.WaitOneAsync(token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or NullReferenceException)
                {
                }
                attempt = 0;
                continue;
            }
            if (_stopping || token.IsCancellationRequested)
            {
                break;
            }
            var delay = Backoff(attempt++);
            try
            {
                await Task.Delay(delay, _options.TimeProvider, token).ConfigureAwait(false);
                await ConnectOnceAsync(token).ConfigureAwait(false);
                _log.LogInformation("MQTT reconnected to {Host}:{Port} after {Attempts} attempt(s)", _options.Host, _options.Port, attempt);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.LogDebug("MQTT reconnect attempt {Attempt} failed: {Error}", attempt, e.Message);
            }
        }
    }

    /// <summary>Exponential backoff with full jitter between the configured bounds.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds, _options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        var jittered = _options.ReconnectMinDelay.TotalMilliseconds + (Random.Shared.NextDouble() * (cap - _options.ReconnectMinDelay.TotalMilliseconds));
        return TimeSpan.FromMilliseconds(jittered);
    }

    private async Task<SubAckPacket> RequestAsync(MqttPacket packet, Action<ushort> setId, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource<SubAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        MqttConnection connection;
        lock (_gate)
        {
            connection = _connection ?? throw new InvalidOperationException("not connected");
            var id = NextPacketId();
            setId(id);
            _pendingSubs[id] = tcs;
        }
        await connection.SendAsync(packet, ct).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, connection.Closed);
        return await tcs.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
    }

    private long Now() => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private ushort NextPacketId()
    {
        for (var i = 0; i < 65_536; i++)
        {
            _nextId = _nextId == ushort.MaxValue ? (ushort)1 : (ushort)(_nextId + 1);
            if (!_inflightById.ContainsKey(_nextId) && !_pendingSubs.ContainsKey(_nextId))
            {
                return _nextId;
            }
        }
        throw new InvalidOperationException("all 65535 packet identifiers are in use");
    }

    /// <summary>Assigns a packet id, records the publish as in flight and queues it for the socket. Caller holds the gate.</summary>
    private void StartLocked(Outgoing outgoing)
    {
        outgoing.Packet.PacketId = NextPacketId();
        _inflightById[outgoing.Packet.PacketId] = _inflight.AddLast(outgoing);
        if (_connection is { } connection && connection.TrySend(outgoing.Packet))
        {
            outgoing.Sent = true;
            Volatile.Write(ref _lastSentTicks, Now());
        }
    }

    /// <summary>A window slot became free: start the oldest waiting publish (skipping cancelled ones). Caller holds the gate.</summary>
    private void ReleaseWindow()
    {
        while (_windowWaiters.TryDequeue(out var w))
        {
            if (!w.Done.Task.IsCompleted)
            {
                StartLocked(w);
                return;
            }
        }
        _window++;
    }

    private int _limit = -1;

    private void SetWindowLimit(int limit)
    {
        // the window counts free slots; adjust by the change in the limit (never below zero permanently)
        var previous = _limit < 0 ? _options.MaxInflight : _limit;
        _limit = limit;
        _window += limit - previous;
        while (_window > 0 && _windowWaiters.TryDequeue(out var w))
        {
            if (!w.Done.Task.IsCompleted)
            {
                _window--;
                StartLocked(w);
            }
        }
    }

    private sealed class Outgoing(PublishPacket packet)
    {
        public PublishPacket Packet { get; } = packet;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Released { get; set; }

        /// <summary>Handed to a connection at least once (a resend then carries DUP).</summary>
        public bool Sent { get; set; }
    }
}

internal static class WaitHandleExtensions
{
    public static Task WaitOneAsync(this WaitHandle handle, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = ThreadPool.RegisterWaitForSingleObject(handle, (_, _) => tcs.TrySetResult(), null, Timeout.Infinite, executeOnlyOnce: true);
        var ctr = ct.Register(() => tcs.TrySetCanceled(ct));
        _ = tcs.Task.ContinueWith(_ =>
        {
            registration.Unregister(null);
            ctr.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return tcs.Task;
    }
}
