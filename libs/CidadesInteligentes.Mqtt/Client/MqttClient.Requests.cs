using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;

namespace CidadesInteligentes.Mqtt.Client;

/// <summary>SUBSCRIBE and UNSUBSCRIBE: requests that hold a packet id until their answer comes.</summary>
public sealed partial class MqttClient
{
    /// <summary>
    /// Subscribes; returns the granted QoS / reason code per filter. Remembered and restored after reconnects. Like a
    /// publish, a SUBSCRIBE (or UNSUBSCRIBE) larger than the server's Maximum Packet Size fails at once with
    /// <see cref="MqttConnectException"/> reason 0x95 (Packet too large) and is not sent.
    /// </summary>
    public async Task<IReadOnlyList<byte>> SubscribeAsync(IEnumerable<TopicSubscription> subscriptions, MqttProperties? properties = null, CancellationToken ct = default)
    {
        var packet = new SubscribePacket { Subscriptions = new List<TopicSubscription>(subscriptions), Properties = properties };
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

    public Task<IReadOnlyList<byte>> SubscribeAsync(string filter, int qos = 1, CancellationToken ct = default) =>
        SubscribeAsync([new TopicSubscription(filter, qos)], null, ct);

    public async Task UnsubscribeAsync(IEnumerable<string> filters, CancellationToken ct = default)
    {
        var packet = new UnsubscribePacket { Filters = new List<string>(filters) };
        await RequestAsync(packet, id => packet.PacketId = id, ct).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var f in packet.Filters)
            {
                _subscriptions.Remove(f);
            }
        }
    }

    private async Task<SubAckPacket> RequestAsync(MqttPacket packet, Action<ushort> setId, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource<SubAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        MqttConnection connection;
        ushort id;
        lock (_gate)
        {
            // checked against the limit of the connection it goes out on: the writer would drop it, and nobody answer
            if (TooLarge(packet) is { } tooLarge)
            {
                throw tooLarge;
            }
            connection = _connection ?? throw new InvalidOperationException("not connected");
            id = NextPacketId();
            setId(id);
            _pendingSubs[id] = tcs;
        }
        try
        {
            await connection.SendAsync(packet, ct).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, connection.Closed);
            return await tcs.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            // answered, given up or cut off with its connection: its packet id is free again (a late answer is ignored)
            lock (_gate)
            {
                if (_pendingSubs.TryGetValue(id, out var pending) && ReferenceEquals(pending, tcs))
                {
                    _pendingSubs.Remove(id);
                }
            }
        }
    }

    /// <summary>
    /// A new connection is about to be used: requests still waiting were sent on one that is gone, and no answer can
    /// come for them (MQTT resends only PUBLISH and PUBREL after a reconnect), so they end and free their packet ids.
    /// Caller holds the gate.
    /// </summary>
    private void CancelPendingRequestsLocked()
    {
        foreach (var pending in _pendingSubs.Values)
        {
            pending.TrySetCanceled();
        }
        _pendingSubs.Clear();
    }

    /// <summary>
    /// The remembered subscriptions, to send again after a reconnect without a session, in as many SUBSCRIBE packets as
    /// the server's Maximum Packet Size needs (MQTT 5 §3.2.2.3.6: the client must not send a larger packet; the
    /// connection's writer would drop it and nothing would be restored). Each holds a packet id until its SUBACK. A
    /// filter that does not fit even alone is left out and returned with its error. Caller holds the gate.
    /// </summary>
    private List<SubscribePacket> ResubscribeLocked(List<(string Filter, MqttConnectException Error)> notRestored)
    {
        var limit = PacketSizeLimit();
        var version = _options.Version;
        var emptyBody = new SubscribePacket().BodySize(version); // packet id and (5.0) empty properties
        var packets = new List<SubscribePacket>();
        SubscribePacket? current = null;
        var body = 0;
        foreach (var subscription in _subscriptions.Values)
        {
            var alone = new SubscribePacket { Subscriptions = [subscription] };
            var entry = alone.BodySize(version) - emptyBody;
            if (current is not null && PacketSize(body + entry) <= limit)
            {
                current.Subscriptions.Add(subscription);
                body += entry;
                continue;
            }
            if (TooLarge(alone) is { } tooLarge)
            {
                notRestored.Add((subscription.Filter, tooLarge));
                continue;
            }
            current = alone;
            current.PacketId = NextPacketId();
            var answered = new TaskCompletionSource<SubAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingSubs[current.PacketId] = answered;
            _ = LogRefusalsAsync(current, answered.Task);
            packets.Add(current);
            body = emptyBody + entry;
        }
        return packets;

        static int PacketSize(int body) => 1 + SpanWriter.VarIntSize(body) + body;
    }

    /// <summary>
    /// Nobody awaits an automatic resubscribe, so a filter its SUBACK refuses (an ACL changed while the link was down:
    /// 0x87 Not authorized) is logged here; without it a device would silently stop receiving what the filter carried.
    /// The filter stays remembered and is asked for again after the next reconnect without a session.
    /// </summary>
    private async Task LogRefusalsAsync(SubscribePacket sent, Task<SubAckPacket> answer)
    {
        SubAckPacket ack;
        try
        {
            ack = await answer.ConfigureAwait(false);
        }
        catch (Exception e) when (e is MqttConnectException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return; // the link (or the client) went before the answer: the next connect resubscribes again
        }
        for (var i = 0; i < sent.Subscriptions.Count && i < ack.ReasonCodes.Count; i++)
        {
            if (ack.ReasonCodes[i] >= 0x80)
            {
                MqttClientLog.SubscriptionRefused(_log, Shorten(sent.Subscriptions[i].Filter), _options.Host, _options.Port,
                    ack.ReasonCodes[i], ReasonCodes.Describe(ack.ReasonCodes[i]));
            }
        }
    }

    /// <summary>A filter for a log line: one of up to 65,535 bytes is cut to its first 100 characters.</summary>
    private static string Shorten(string filter) => filter.Length <= 100 ? filter : string.Concat(filter.AsSpan(0, 100), "...");
}
