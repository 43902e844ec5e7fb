using System.Net;
using System.Threading.Channels;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;

namespace CidadesInteligentes.Mqtt.Broker;

/// <summary>One network connection: CONNECT handshake, then the packet loop, keep-alive and ordered acknowledgements.</summary>
internal sealed class ClientHandler
{
    private readonly MqttBroker _broker;
    private readonly MqttConnection _connection;
    private readonly EndPoint? _remote;
    private readonly Dictionary<ushort, string> _aliases = [];
    private readonly Channel<PendingAck> _acks = Channel.CreateUnbounded<PendingAck>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private int _incomingInflight;
    private bool _graceful;
    private bool _publishWillOnDisconnect;
    private byte _closeReason = ReasonCodes.UnspecifiedError;

    public ClientHandler(MqttBroker broker, MqttConnection connection, EndPoint? remote)
    {
        _broker = broker;
        _connection = connection;
        _remote = remote;
    }

    public BrokerClient? Client { get; private set; }
    public Session? Session { get; private set; }
    public WillMessage? Will { get; private set; }
    public uint WillDelaySeconds { get; private set; }
    public bool TakenOver { get; private set; }
    private BrokerOptions Options => _broker.Options;
    private BrokerMetrics Metrics => _broker.Metrics;

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

    private async Task<ConnectPacket?> ReadConnectAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping, _connection.Closed);
        timeout.CancelAfter(Options.ConnectTimeout);
        MqttPacket? first;
        try
        {
            first = await _connection.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (MqttProtocolException e) when (e.ReasonCode == ReasonCodes.UnsupportedProtocolVersion)
        {
            Interlocked.Increment(ref Metrics.ConnectionsRefusedValue);
            _connection.Version = MqttProtocolVersion.V311;
            _connection.TrySend(new ConnAckPacket { ReasonCode = ReasonCodes.UnsupportedProtocolVersion });
            await CloseSoonAsync().ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref Metrics.ConnectionsRefusedValue);
            _broker.Log($"connection from {_remote} closed: no CONNECT within {Options.ConnectTimeout.TotalSeconds:0} s");
            return null;
        }
        if (first is null)
        {
            return null;
        }
        if (first is not ConnectPacket connect)
        {
            throw new MqttProtocolException($"first packet was {first}, must be CONNECT (MQTT 3.1)", ReasonCodes.ProtocolError);
        }
        return connect;
    }

    private async Task<bool> HandshakeAsync(ConnectPacket connect)
    {
        _connection.Version = connect.ProtocolVersion;
        var v5 = connect.ProtocolVersion == MqttProtocolVersion.V500;
        if (v5 && connect.Properties?.MaximumPacketSize is { } mps)
        {
            _connection.MaxOutgoingPacketSize = (int)Math.Min(mps, int.MaxValue);
        }
        string? assigned = null;
        if (connect.ClientId.Length == 0)
        {
            if (!v5 && !connect.CleanStart)
            {
                return await RefuseAsync(ReasonCodes.ClientIdentifierNotValid, "an empty client id needs a clean session (MQTT 3.1.3-8)").ConfigureAwait(false);
            }
            assigned = connect.ClientId = "auto-" + Guid.NewGuid().ToString("N");
        }
        if (_broker.Metrics.Connected >= Options.MaxConnections)
        {
            return await RefuseAsync(v5 ? ReasonCodes.QuotaExceeded : ReasonCodes.ServerUnavailable, "connection limit reached").ConfigureAwait(false);
        }
        var auth = _broker.Authenticator is { } a ? await a.AuthenticateAsync(connect, _remote, _connection.Closed).ConfigureAwait(false) : ReasonCodes.Success;
        if (auth != ReasonCodes.Success)
        {
            Interlocked.Increment(ref Metrics.AuthFailuresValue);
            return await RefuseAsync(auth, "authentication failed").ConfigureAwait(false);
        }
        Client = new BrokerClient(connect.ClientId, connect.Username, connect.ProtocolVersion, _remote);
        Will = connect.Will;
        WillDelaySeconds = connect.Will?.Properties?.WillDelayInterval ?? 0;
        if (Will is not null && _broker.Authorizer is { } acl && !acl.CanPublish(Client, Will.Topic))
        {
            Interlocked.Increment(ref Metrics.AclDenialsValue);
            return await RefuseAsync(ReasonCodes.NotAuthorized, $"will topic {Will.Topic} is not allowed for this client").ConfigureAwait(false);
        }
        var (session, present) = _broker.OpenSession(this, connect);
        Session = session;
        Interlocked.Increment(ref Metrics.ConnectionsAcceptedValue);
        var ack = new ConnAckPacket
        {
            SessionPresent = present,
            ReasonCode = ReasonCodes.Success,
            Properties = v5
                ? new MqttProperties
                {
                    ReceiveMaximum = Options.MaxInflightFromClient,
                    MaximumPacketSize = (uint)Options.MaxPacketSize,
                    TopicAliasMaximum = Options.TopicAliasMaximum,
                    AssignedClientIdentifier = assigned,
                    RetainAvailable = 1,
                    WildcardSubscriptionAvailable = 1,
                    SubscriptionIdentifierAvailable = 1,
                    SharedSubscriptionAvailable = 1,
                }
                : null,
        };
        TrySendPacket(ack);
        session.Attach(this);
        _broker.Sink?.OnConnectionChanged(Client, connected: true, graceful: true);
        return true;
    }

    private async Task<bool> RefuseAsync(byte reason, string why)
    {
        Interlocked.Increment(ref Metrics.ConnectionsRefusedValue);
        _broker.Log($"connection from {_remote} refused (0x{reason:X2}): {why}");
        _connection.TrySend(new ConnAckPacket
        {
            ReasonCode = reason,
            Properties = _connection.Version == MqttProtocolVersion.V500 ? new MqttProperties { ReasonString = why } : null,
        });
        await CloseSoonAsync().ConfigureAwait(false);
        return false;
    }

    private async Task PacketLoopAsync(ushort keepAliveSeconds, CancellationToken stopping)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping, _connection.Closed);
        var limit = keepAliveSeconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(keepAliveSeconds * 1.5);
        while (true)
        {
            idle.CancelAfter(limit);
            MqttPacket? packet;
            try
            {
                packet = await _connection.ReadAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested && !_connection.Closed.IsCancellationRequested)
            {
                Interlocked.Increment(ref Metrics.KeepAliveTimeoutsValue);
                _broker.Log($"client {Client!.ClientId} silent for 1.5 × keep-alive ({keepAliveSeconds} s): disconnected");
                if (_connection.Version == MqttProtocolVersion.V500)
                {
                    _connection.TrySend(new DisconnectPacket(reasonCode: ReasonCodes.KeepAliveTimeout));
                }
                return;
            }
            if (packet is null)
            {
                return;
            }
            if (!await HandleAsync(packet).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async ValueTask<bool> HandleAsync(MqttPacket packet)
    {
        var session = Session!;
        switch (packet)
        {
            case PublishPacket p:
                await OnPublishAsync(p).ConfigureAwait(false);
                return true;
            case PubAckPacket { Type: PacketType.PubAck or PacketType.PubComp } ack:
                session.Acknowledge(ack.PacketId);
                return true;
            case PubAckPacket { Type: PacketType.PubRec } rec:
                if (rec.ReasonCode >= 0x80)
                {
                    session.Acknowledge(rec.PacketId);
                    return true;
                }
                var known = session.Received(rec.PacketId);
                TrySendPacket(new PubAckPacket(PacketType.PubRel, rec.PacketId, known ? ReasonCodes.Success : ReasonCodes.PacketIdentifierNotFound));
                return true;
            case PubAckPacket { Type: PacketType.PubRel } rel:
                bool had;
                lock (session.Gate)
                {
                    had = session.IncomingQos2.Remove(rel.PacketId);
                }
                await _acks.Writer.WriteAsync(new PendingAck(null, rel.PacketId, PacketType.PubComp, had ? ReasonCodes.Success : ReasonCodes.PacketIdentifierNotFound)).ConfigureAwait(false);
                return true;
            case SubscribePacket s:
                OnSubscribe(s);
                return true;
            case UnsubscribePacket u:
                var codes = u.Filters.Select(f => _broker.Unsubscribe(session, f) ? ReasonCodes.Success : ReasonCodes.NoSubscriptionExisted).ToList();
                TrySendPacket(new SubAckPacket(PacketType.UnsubAck) { PacketId = u.PacketId, ReasonCodes = codes });
                return true;
            case PingPacket { Type: PacketType.PingReq }:
                TrySendPacket(PingPacket.Response);
                return true;
            case DisconnectPacket { Type: PacketType.Disconnect } d:
                _graceful = true;
                _publishWillOnDisconnect = d.ReasonCode == ReasonCodes.DisconnectWithWill;
                if (d.Properties?.SessionExpiryInterval is { } expiry)
                {
                    if (session.ExpirySeconds == 0 && expiry != 0)
                    {
                        throw new MqttProtocolException("DISCONNECT sets a session expiry after CONNECT set 0 (MQTT 3.14.2.2.2)", ReasonCodes.ProtocolError);
                    }
                    session.ExpirySeconds = expiry;
                }
                return false;
            default:
                throw new MqttProtocolException($"{packet} is not allowed from a client here", ReasonCodes.ProtocolError);
        }
    }

    private async ValueTask OnPublishAsync(PublishPacket p)
    {
        Interlocked.Increment(ref Metrics.MessagesReceivedValue);
        var client = Client!;
        var session = Session!;
        var topic = p.Topic;
        if (p.Properties?.TopicAlias is { } alias)
        {
            if (alias > Options.TopicAliasMaximum)
            {
                throw new MqttProtocolException($"topic alias {alias} exceeds the maximum {Options.TopicAliasMaximum}", ReasonCodes.TopicAliasInvalid);
            }
            if (topic.Length > 0)
            {
                _aliases[alias] = topic;
            }
            else if (!_aliases.TryGetValue(alias, out topic!))
            {
                throw new MqttProtocolException($"topic alias {alias} used before it was set", ReasonCodes.ProtocolError);
            }
        }
        if (p.Qos > 0 && Interlocked.Increment(ref _incomingInflight) > Options.MaxInflightFromClient && client.Version == MqttProtocolVersion.V500)
        {
            throw new MqttProtocolException($"more than Receive Maximum ({Options.MaxInflightFromClient}) unacknowledged publishes", ReasonCodes.ReceiveMaximumExceeded);
        }
        var ackType = p.Qos == 2 ? PacketType.PubRec : PacketType.PubAck;
        if (_broker.Authorizer is { } acl && !acl.CanPublish(client, topic))
        {
            Interlocked.Increment(ref Metrics.AclDenialsValue);
            _broker.Log($"client {client.ClientId} may not publish to {topic}: dropped");
            if (p.Qos > 0)
            {
                await _acks.Writer.WriteAsync(new PendingAck(null, p.PacketId, ackType, ReasonCodes.NotAuthorized)).ConfigureAwait(false);
            }
            return;
        }
        if (p.Qos == 2)
        {
            bool fresh;
            lock (session.Gate)
            {
                fresh = session.IncomingQos2.Add(p.PacketId);
            }
            if (!fresh)
            {
                await _acks.Writer.WriteAsync(new PendingAck(null, p.PacketId, ackType, ReasonCodes.Success)).ConfigureAwait(false);
                return;
            }
        }
        DateTimeOffset? expiresAt = p.Properties?.MessageExpiryInterval is { } seconds ? Options.TimeProvider.GetUtcNow().AddSeconds(seconds) : null;
        var props = p.Properties is { } pp && (pp.UserProperties is not null || pp.ContentType is not null || pp.ResponseTopic is not null || pp.CorrelationData is not null || pp.PayloadFormatIndicator is not null)
            ? new MqttProperties
            {
                PayloadFormatIndicator = pp.PayloadFormatIndicator,
                ContentType = pp.ContentType,
                ResponseTopic = pp.ResponseTopic,
                CorrelationData = pp.CorrelationData,
                UserProperties = pp.UserProperties,
            }
            : null;
        var message = new BrokerMessage(topic, p.Payload, p.Qos, p.Retain, props, expiresAt);
        var congestion = _broker.RouteWithCongestion(message, client.ClientId);
        Task<byte>? stored = null;
        if (_broker.Sink is { } sink)
        {
            var pending = sink.OnPublishAsync(client, message, _connection.Closed);
            stored = pending.IsCompletedSuccessfully ? Task.FromResult(pending.Result) : pending.AsTask();
        }
        if (p.Qos > 0)
        {
            await _acks.Writer.WriteAsync(new PendingAck(stored, p.PacketId, ackType, ReasonCodes.Success)).ConfigureAwait(false);
        }
        if (congestion is not null)
        {
            // a subscriber of this message is far behind: stop reading from this publisher until it catches up
            Interlocked.Increment(ref Metrics.BackpressurePausesValue);
            await Task.WhenAny(congestion, Task.Delay(BackpressureTimeout, Options.TimeProvider)).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan BackpressureTimeout = TimeSpan.FromSeconds(1);

    private void OnSubscribe(SubscribePacket s)
    {
        var client = Client!;
        var session = Session!;
        var codes = new List<byte>(s.Subscriptions.Count);
        var subscriptionId = s.Properties?.SubscriptionIdentifiers is [var sid, ..] ? sid : 0;
        var retainedFor = new List<(Topics.Subscription Sub, bool IsNew)>();
        foreach (var t in s.Subscriptions)
        {
            var shared = Topics.TopicMatcher.TryParseShared(t.Filter, out _, out var inner);
            if (t.Filter.StartsWith("$share/", StringComparison.Ordinal) && !shared)
            {
                codes.Add(client.Version == MqttProtocolVersion.V500 ? ReasonCodes.TopicFilterInvalid : (byte)0x80);
                continue;
            }
            if (!MqttCodec.IsValidFilter(inner))
            {
                codes.Add(client.Version == MqttProtocolVersion.V500 ? ReasonCodes.TopicFilterInvalid : (byte)0x80);
                continue;
            }
            if (shared && t.NoLocal)
            {
                throw new MqttProtocolException("No Local on a shared subscription (MQTT 3.8.3.1)", ReasonCodes.ProtocolError);
            }
            if (_broker.Authorizer is { } acl && !acl.CanSubscribe(client, t.Filter))
            {
                Interlocked.Increment(ref Metrics.AclDenialsValue);
                codes.Add(client.Version == MqttProtocolVersion.V500 ? ReasonCodes.NotAuthorized : (byte)0x80);
                continue;
            }
            var sub = new Topics.Subscription(client.ClientId, t.Filter, t.Qos, t.NoLocal, t.RetainAsPublished, t.RetainHandling, subscriptionId);
            var isNew = _broker.Subscribe(session, sub);
            codes.Add((byte)t.Qos);
            if (!shared)
            {
                retainedFor.Add((sub, isNew));
            }
        }
        TrySendPacket(new SubAckPacket { PacketId = s.PacketId, ReasonCodes = codes });
        foreach (var (sub, isNew) in retainedFor)
        {
            if (sub.RetainHandling == 0 || (sub.RetainHandling == 1 && isNew))
            {
                _broker.SendRetained(session, sub);
            }
        }
    }

    private async Task AckLoopAsync()
    {
        var reader = _acks.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var ack))
            {
                var reason = ack.Reason;
                if (ack.Stored is { } stored)
                {
                    try
                    {
                        reason = await stored.ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        reason = ReasonCodes.UnspecifiedError;
                    }
                }
                if (reason >= 0x80 && reason != ReasonCodes.NotAuthorized && Client!.Version == MqttProtocolVersion.V311)
                {
                    // 3.1.1 has no negative PUBACK: close without acknowledging so the client sends it again later
                    _closeReason = reason;
                    await _connection.DisposeAsync().ConfigureAwait(false);
                    return;
                }
                if (ack.Type != PacketType.PubRec)
                {
                    Interlocked.Decrement(ref _incomingInflight);
                }
                TrySendPacket(new PubAckPacket(ack.Type, ack.PacketId, Client!.Version == MqttProtocolVersion.V500 ? reason : ReasonCodes.Success));
            }
        }
    }

    private sealed record PendingAck(Task<byte>? Stored, ushort PacketId, PacketType Type, byte Reason);

    public override string ToString() => $"{Client?.ClientId} ({_remote}) close 0x{_closeReason:X2}";
}
