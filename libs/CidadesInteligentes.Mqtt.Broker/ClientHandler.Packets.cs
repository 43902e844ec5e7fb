using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Broker;

internal sealed partial class ClientHandler
{
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
                await _acks.Writer.WriteAsync(new PendingAck(null, rel.PacketId, PacketType.PubComp, had ? ReasonCodes.Success : ReasonCodes.PacketIdentifierNotFound), _connection.Closed).ConfigureAwait(false);
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
                await _acks.Writer.WriteAsync(new PendingAck(null, p.PacketId, ackType, ReasonCodes.NotAuthorized), _connection.Closed).ConfigureAwait(false);
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
                await _acks.Writer.WriteAsync(new PendingAck(null, p.PacketId, ackType, ReasonCodes.Success), _connection.Closed).ConfigureAwait(false);
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
        var reason = ReasonCodes.Success;
        if (_broker.Sink is { } sink)
        {
            if (!HasSinkRoom())
            {
                await WaitForSinkRoomAsync().ConfigureAwait(false);
            }
            var pending = sink.OnPublishAsync(client, message, _connection.Closed);
            if (pending.IsCompletedSuccessfully)
            {
                reason = pending.Result;
            }
            else
            {
                stored = pending.AsTask();
                _pendingSink.Enqueue(stored);
            }
        }
        if (p.Qos > 0)
        {
            await _acks.Writer.WriteAsync(new PendingAck(stored, p.PacketId, ackType, reason), _connection.Closed).ConfigureAwait(false);
        }
        if (congestion is not null)
        {
            // a subscriber of this message is far behind: stop reading from this publisher until it catches up
            Interlocked.Increment(ref Metrics.BackpressurePausesValue);
            await Task.WhenAny(congestion, Task.Delay(BackpressureTimeout, Options.TimeProvider)).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan BackpressureTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Forgets the completed calls at the head of the pending queue; true when another call may start.</summary>
    private bool HasSinkRoom()
    {
        while (_pendingSink.TryPeek(out var oldest) && oldest.IsCompleted)
        {
            _pendingSink.Dequeue();
        }
        return _pendingSink.Count < MaxPendingSinkCalls;
    }

    /// <summary>Sink back-pressure: stop reading this connection until its oldest pending sink call completes.</summary>
    private async Task WaitForSinkRoomAsync()
    {
        while (!HasSinkRoom())
        {
            // a failed call is the ack loop's business (negative PUBACK or close); here it only frees room
            await ((Task)_pendingSink.Peek()).WaitAsync(_connection.Closed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _connection.Closed.ThrowIfCancellationRequested();
        }
    }

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

    private readonly record struct PendingAck(Task<byte>? Stored, ushort PacketId, PacketType Type, byte Reason);
}
