using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;

namespace CidadesInteligentes.Mqtt.Client;

public sealed partial class MqttClient
{
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
                        await DeliverAsync(connection, new MqttMessage(p.Topic, p.Payload, p.Qos, p.Retain, p.Properties)).ConfigureAwait(false);
                    }
                    connection.TrySend(new PubAckPacket(PacketType.PubRec, p.PacketId));
                }
                else
                {
                    await DeliverAsync(connection, new MqttMessage(p.Topic, p.Payload, p.Qos, p.Retain, p.Properties) { PacketId = p.PacketId, Connection = connection }).ConfigureAwait(false);
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

    /// <summary>
    /// Hands a message to the application. While its channel is full the socket is not read, so the keep-alive is told
    /// (<see cref="MqttConnection.ReaderHeldUntil"/>): a PINGRESP may be waiting unread behind the messages.
    /// </summary>
    private async ValueTask DeliverAsync(MqttConnection connection, MqttMessage message)
    {
        if (_messages.Writer.TryWrite(message))
        {
            return;
        }
        connection.ReaderHeldUntil = long.MaxValue;
        try
        {
            await _messages.Writer.WriteAsync(message, _disposing.Token).ConfigureAwait(false);
        }
        finally
        {
            connection.ReaderHeldUntil = Now();
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

    /// <summary>
    /// Assigns a packet id, records the publish as in flight and queues it for the socket; false (the publish failed,
    /// no slot taken) when it is larger than the server accepts. Caller holds the gate.
    /// </summary>
    private bool StartLocked(Outgoing outgoing)
    {
        if (TooLarge(outgoing.Packet) is { } tooLarge)
        {
            outgoing.Done.TrySetException(tooLarge);
            return false;
        }
        outgoing.Packet.PacketId = NextPacketId();
        _inflightById[outgoing.Packet.PacketId] = _inflight.AddLast(outgoing);
        if (_connection is { } connection && connection.TrySend(outgoing.Packet))
        {
            outgoing.Sent = true;
            Volatile.Write(ref _lastSentTicks, Now());
        }
        return true;
    }

    /// <summary>
    /// MQTT 5 §3.2.2.3.6: a packet larger than the server's Maximum Packet Size (CONNACK) must not be sent; the
    /// connection's writer would drop it, and whoever waits for its answer would wait forever. Returns the error to
    /// fail it with, or null when it fits. A packet that cannot be encoded at all (a string over 65,535 bytes) throws
    /// <see cref="ArgumentException"/> here, before it reaches the writer.
    /// </summary>
    private MqttConnectException? TooLarge(MqttPacket packet)
    {
        var serverLimit = Volatile.Read(ref _serverMaxPacketSize);
        var limit = PacketSizeLimit();
        var size = MqttCodec.GetSize(packet, _options.Version);
        if (size <= limit)
        {
            return null;
        }
        var what = packet switch
        {
            PublishPacket p => $"publish to {p.Topic}",
            SubscribePacket s => $"SUBSCRIBE of {s.Subscriptions.Count} filters",
            UnsubscribePacket u => $"UNSUBSCRIBE of {u.Filters.Count} filters",
            _ => packet.Type.ToString(),
        };
        var whose = serverLimit <= MqttPacketSizeLimit ? "the server accepts" : "MQTT allows";
        return new MqttConnectException(ReasonCodes.PacketTooLarge, $"{what} not sent: it is {size} bytes, more than {whose} ({limit} bytes)");
    }

    /// <summary>MQTT 1.5.5: a 4-byte remaining length after the first byte.</summary>
    private const int MqttPacketSizeLimit = 5 + MqttCodec.MaxRemainingLength;

    /// <summary>The largest packet that may go to the server now: its Maximum Packet Size, or what MQTT allows.</summary>
    private int PacketSizeLimit() => Math.Min(Volatile.Read(ref _serverMaxPacketSize), MqttPacketSizeLimit);

    /// <summary>
    /// After a reconnect to a server with a lower Maximum Packet Size: in-flight publishes that no longer fit cannot be
    /// resent, so they fail and free their slots. Caller holds the gate.
    /// </summary>
    private void FailTooLargeInflightLocked()
    {
        var node = _inflight.First;
        while (node is not null)
        {
            var next = node.Next;
            if (!node.Value.Released && TooLarge(node.Value.Packet) is { } tooLarge)
            {
                _inflight.Remove(node);
                _inflightById.Remove(node.Value.Packet.PacketId);
                node.Value.Done.TrySetException(tooLarge);
                ReleaseWindow();
            }
            node = next;
        }
    }

    /// <summary>A window slot became free: start the oldest waiting publish (skipping cancelled ones). Caller holds the gate.</summary>
    private void ReleaseWindow()
    {
        while (_windowWaiters.TryDequeue(out var w))
        {
            if (!w.Done.Task.IsCompleted && StartLocked(w))
            {
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
            if (!w.Done.Task.IsCompleted && StartLocked(w))
            {
                _window--;
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
