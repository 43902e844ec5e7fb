using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Broker;

/// <summary>
/// Server-side state of one client id: subscriptions, messages in flight towards it, the offline/overflow queue and
/// received-but-unreleased QoS 2 ids. Survives disconnects while the session has not expired.
/// </summary>
internal sealed class Session(string clientId, BrokerMetrics metrics, BrokerOptions options)
{
    private readonly LinkedList<Inflight> _inflight = new();
    private readonly Dictionary<ushort, LinkedListNode<Inflight>> _inflightById = [];
    private readonly LinkedList<Queued> _queue = new();
    private ushort _nextId;

    public string ClientId { get; } = clientId;
    public Lock Gate { get; } = new();
    public Dictionary<string, Topics.Subscription> Subscriptions { get; } = new(StringComparer.Ordinal);
    public HashSet<ushort> IncomingQos2 { get; } = [];
    public ClientHandler? Handler { get; set; }
    public uint ExpirySeconds { get; set; }
    public long Generation { get; set; }
    public int ClientReceiveMaximum { get; set; } = ushort.MaxValue;
    public MqttProtocolVersion Version { get; set; } = MqttProtocolVersion.V500;
    public int QueuedCount => _queue.Count;

    private TaskCompletionSource? _drained;

    /// <summary>
    /// Publisher back-pressure: when this online session has more than <paramref name="high"/> QoS 1/2 messages waiting
    /// behind its in-flight window, a task that completes once the backlog is down to half of that (or the client
    /// goes away); otherwise null.
    /// </summary>
    public Task? Congestion(int high)
    {
        lock (Gate)
        {
            if (Handler is null || _queue.Count <= high)
            {
                return null;
            }
            _drainedAt = high / 2;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    private int _drainedAt;

    private void SignalDrained(bool force)
    {
        if (_drained is { } d && (force || _queue.Count <= _drainedAt))
        {
            _drained = null;
            d.TrySetResult();
        }
    }
    public int InflightCount => _inflight.Count;

    /// <summary>Delivers (or queues) one message; caller does not hold <see cref="Gate"/>.</summary>
    public void Deliver(BrokerMessage message, int qos, bool retain, IReadOnlyList<int> subscriptionIds)
    {
        lock (Gate)
        {
            if (qos == 0)
            {
                if (Handler is { } h)
                {
                    Send(h, message, 0, 0, retain, subscriptionIds, dup: false);
                }
                return;
            }
            if (Handler is { } handler && _queue.Count == 0 && _inflight.Count < Window)
            {
                StartInflight(handler, message, qos, retain, subscriptionIds);
                return;
            }
            if (_queue.Count >= options.MaxQueuedPerSession)
            {
                _queue.RemoveFirst();
                Interlocked.Increment(ref metrics.MessagesDroppedValue);
            }
            _queue.AddLast(new Queued(message, qos, retain, subscriptionIds));
        }
    }

    private int Window => Math.Min(ClientReceiveMaximum, options.MaxInflightToClient);

    /// <summary>PUBACK (QoS 1) or PUBCOMP (QoS 2) from the client.</summary>
    public void Acknowledge(ushort packetId)
    {
        lock (Gate)
        {
            if (_inflightById.Remove(packetId, out var node))
            {
                _inflight.Remove(node);
            }
            Pump();
        }
    }

    /// <summary>PUBREC: the client has the QoS 2 message; from now on we resend PUBREL, never the PUBLISH.</summary>
    public bool Received(ushort packetId)
    {
        lock (Gate)
        {
            if (_inflightById.TryGetValue(packetId, out var node))
            {
                node.Value.Released = true;
                return true;
            }
            return false;
        }
    }

    /// <summary>The client (re)attached: resend everything in flight (DUP), then drain the queue.</summary>
    public void Attach(ClientHandler handler)
    {
        lock (Gate)
        {
            Handler = handler;
            for (var node = _inflight.First; node is not null;)
            {
                var f = node.Value;
                var next = node.Next;
                if (f.Released)
                {
                    handler.TrySendPacket(new PubAckPacket(PacketType.PubRel, f.PacketId));
                }
                else if (!Expired(f.Message) && !Send(handler, f.Message, f.Qos, f.PacketId, f.Retain, f.SubscriptionIds, dup: true))
                {
                    // the client came back with a smaller Maximum Packet Size: discarded as if delivered
                    _inflightById.Remove(f.PacketId);
                    _inflight.Remove(node);
                }
                node = next;
            }
            Pump();
        }
    }

    public void Detach(ClientHandler handler)
    {
        lock (Gate)
        {
            if (ReferenceEquals(Handler, handler))
            {
                Handler = null;
                SignalDrained(force: true);
            }
        }
    }

    private void Pump()
    {
        if (Handler is not { } handler)
        {
            return;
        }
        while (_queue.First is { } first && _inflight.Count < Window)
        {
            _queue.RemoveFirst();
            var q = first.Value;
            if (Expired(q.Message))
            {
                Interlocked.Increment(ref metrics.MessagesDroppedValue);
                continue;
            }
            StartInflight(handler, q.Message, q.Qos, q.Retain, q.SubscriptionIds);
        }
        SignalDrained(force: false);
    }

    private void StartInflight(ClientHandler handler, BrokerMessage message, int qos, bool retain, IReadOnlyList<int> ids)
    {
        var id = NextId();
        var node = _inflight.AddLast(new Inflight(id, message, qos, retain, ids));
        _inflightById[id] = node;
        if (!Send(handler, message, qos, id, retain, ids, dup: false))
        {
            // too large for the client: no acknowledgement will ever come, so it must not hold a window slot
            _inflightById.Remove(id);
            _inflight.Remove(node);
        }
    }

    private bool Expired(BrokerMessage m) => m.ExpiresAt is { } at && at <= options.TimeProvider.GetUtcNow();

    /// <summary>Sends one PUBLISH; false when it exceeds the client's Maximum Packet Size and was discarded (counted dropped and too large).</summary>
    private bool Send(ClientHandler handler, BrokerMessage m, int qos, ushort id, bool retain, IReadOnlyList<int> ids, bool dup)
    {
        MqttProperties? props = null;
        if (Version == MqttProtocolVersion.V500)
        {
            var remaining = m.ExpiresAt is { } at ? (uint)Math.Max(1, Math.Ceiling((at - options.TimeProvider.GetUtcNow()).TotalSeconds)) : (uint?)null;
            if (m.Properties is not null || ids.Count > 0 || remaining is not null)
            {
                var p = m.Properties;
                props = new MqttProperties
                {
                    PayloadFormatIndicator = p?.PayloadFormatIndicator,
                    ContentType = p?.ContentType,
                    ResponseTopic = p?.ResponseTopic,
                    CorrelationData = p?.CorrelationData,
                    UserProperties = p?.UserProperties,
                    MessageExpiryInterval = remaining,
                    SubscriptionIdentifiers = ids.Count > 0 ? [.. ids] : null,
                };
            }
        }
        var packet = new PublishPacket { Topic = m.Topic, Payload = m.Payload, Qos = qos, PacketId = id, Retain = retain, Dup = dup, Properties = props };
        if (handler.DiscardIfTooLarge(packet))
        {
            Interlocked.Increment(ref metrics.MessagesDroppedValue);
            return false;
        }
        if (handler.TrySendPacket(packet))
        {
            Interlocked.Increment(ref metrics.MessagesDeliveredValue);
        }
        return true;
    }

    private ushort NextId()
    {
        do
        {
            _nextId = _nextId == ushort.MaxValue ? (ushort)1 : (ushort)(_nextId + 1);
        }
        while (_inflightById.ContainsKey(_nextId));
        return _nextId;
    }

    private sealed class Inflight(ushort packetId, BrokerMessage message, int qos, bool retain, IReadOnlyList<int> ids)
    {
        public ushort PacketId { get; } = packetId;
        public BrokerMessage Message { get; } = message;
        public int Qos { get; } = qos;
        public bool Retain { get; } = retain;
        public IReadOnlyList<int> SubscriptionIds { get; } = ids;
        public bool Released { get; set; }
    }

    private sealed record Queued(BrokerMessage Message, int Qos, bool Retain, IReadOnlyList<int> SubscriptionIds);
}
