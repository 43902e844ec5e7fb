using System.Globalization;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>The outbox drain: oldest first, within the in-flight window and the token bucket, acknowledged on PUBACK.</summary>
public sealed partial class Uplink
{
    private long _rateLimitedPasses;
    private long _refused;

    // Messages the broker refused with a failure PUBACK, in refusal order (so their due times only grow). The client is
    // done with them, and the drain has moved past their ids, so they are handed again from here once due.
    private readonly System.Collections.Concurrent.ConcurrentQueue<(OutboxMessage Message, DateTimeOffset Due)> _refusedQueue = new();

    /// <summary>Publishes the broker answered with a failure reason (each is sent again later).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    private long _tooLarge;

    /// <summary>Outbox messages dropped because they are larger than the broker accepts (its Maximum Packet Size).</summary>
    public long TooLarge => Interlocked.Read(ref _tooLarge);

    /// <summary>Drain passes that found messages waiting and held them back for want of a token (tests).</summary>
    internal long RateLimitedPasses => Interlocked.Read(ref _rateLimitedPasses);

    private long _drainPasses;

    /// <summary>Passes of the drain loop so far (tests: an idle loop makes one at least every <see cref="IdlePoll"/>).</summary>
    internal long DrainPasses => Interlocked.Read(ref _drainPasses);

    /// <summary>Publishes handed to the client and not yet acknowledged (tests).</summary>
    internal int InFlight => Volatile.Read(ref _inFlight);

    private async Task DrainLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _drainPasses);
            ReportOverflow();
            var room = _options.MaxInFlight - Volatile.Read(ref _inFlight);
            var handed = 0;
            var rateLimited = false;
            if (room > 0)
            {
                handed = HandDueRefused(room, ct);
                room -= handed;
            }
            if (room > 0)
            {
                var candidates = _agent.Outbox.Peek(room, _lastHandedId);
                var allowed = candidates.Count == 0 ? 0 : _bucket.TakeUpTo(candidates.Count);
                rateLimited = candidates.Count > 0 && allowed == 0;
                if (rateLimited)
                {
                    Interlocked.Increment(ref _rateLimitedPasses);
                }
                for (var i = 0; i < allowed; i++)
                {
                    var m = candidates[i];
                    _lastHandedId = m.Id;
                    Hand(m, ct);
                    handed++;
                }
            }
            if (handed == 0)
            {
                try
                {
                    await _wake.WaitAsync(IdleWait(rateLimited, _bucket.UntilNextToken), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// How long the drain loop sleeps when it handed nothing. It is woken at once by <see cref="Nudge"/> (something was
    /// queued) and by every PUBACK (room in the window), so the timeout only matters for the rate limit (the next
    /// token) and as a safety net for a message queued without a nudge. It used to be a fixed 100 ms: ten wake-ups a
    /// second on an idle pole, each leaving a timer and a timeout exception behind for the GC (about 14 KB/s, which
    /// kept the agent's resident memory growing until its first collection, docs/performance.md).
    /// </summary>
    internal static TimeSpan IdleWait(bool rateLimited, Func<TimeSpan> untilNextToken)
    {
        if (!rateLimited)
        {
            return IdlePoll;
        }
        var next = untilNextToken();
        return next < MinRateWait ? MinRateWait : next > IdlePoll ? IdlePoll : next;
    }

    internal static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MinRateWait = TimeSpan.FromMilliseconds(5);

    private void Hand(OutboxMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref _inFlight);
        _ = PublishOneAsync(message, ct);
    }

    /// <summary>Hands refused messages whose delay has passed (within the window and the rate limit); returns how many.</summary>
    private int HandDueRefused(int room, CancellationToken ct)
    {
        var handed = 0;
        var now = _clock.GetUtcNow();
        while (handed < room && _refusedQueue.TryPeek(out var r) && r.Due <= now && _bucket.TakeUpTo(1) == 1)
        {
            _refusedQueue.TryDequeue(out _);
            Hand(r.Message, ct);
            handed++;
        }
        return handed;
    }

    private async Task PublishOneAsync(OutboxMessage message, CancellationToken ct)
    {
        try
        {
            // QoS 1 publishes survive reconnects inside the client (resent with DUP) until their PUBACK.
            await _client.PublishAsync(message.Topic, message.Payload, 1, false, null, ct).ConfigureAwait(false);
            _agent.Outbox.Ack(message.Id);
            Interlocked.Increment(ref _published);
        }
        catch (MqttConnectException e) when (e.ReasonCode == ReasonCodes.PacketTooLarge)
        {
            // larger than the broker's Maximum Packet Size (MQTT 5 CONNACK): the client does not send it, and no retry
            // can deliver it, so it leaves the outbox instead of waiting there for good
            _agent.Outbox.Ack(message.Id);
            Interlocked.Increment(ref _tooLarge);
            UplinkLog.PublishTooLarge(_logger, message.Topic, message.Id, e.Message);
        }
        catch (MqttConnectException e)
        {
            // a PUBACK with a failure reason (MQTT 5), e.g. 0x80 while the cloud cannot store: not delivered, so it is
            // not acknowledged in the outbox, and it is sent again after a delay instead of waiting for a restart
            Interlocked.Increment(ref _refused);
            UplinkLog.PublishRefused(_logger, message.Topic, message.Id, e.Message, _options.RejectedRetryDelay);
            _refusedQueue.Enqueue((message, _clock.GetUtcNow() + _options.RejectedRetryDelay));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // stays in the outbox: sent again by the next process (a duplicate the cloud drops by seq)
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            try
            {
                _wake.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void ReportOverflow()
    {
        // Drops are summed and reported once the backlog is nearly sent: queuing the event into a still-full outbox
        // would itself push out another old message (and another event after it).
        _droppedUnreported += _agent.Outbox.TakeOverflowCount();
        if (_agent.Outbox.PendingCount > _options.MaxInFlight / 2)
        {
            return;
        }
        if (_droppedUnreported.Total > 0)
        {
            _overflowActive = true;
            _agent.RaiseEvent(EventTypes.OutboxOverflow, true, _droppedUnreported.Describe());
            _droppedUnreported = default;
            Nudge();
        }
        else if (_overflowActive && _agent.Outbox.PendingCount == 0)
        {
            _overflowActive = false;
            _agent.RaiseEvent(EventTypes.OutboxOverflow, false, "backlog sent");
            Nudge();
        }
    }
}
