namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Hands the uplink the next messages to publish, oldest first, within an in-flight window and a token-bucket rate.
/// The uplink calls <see cref="Acked"/> on each PUBACK and <see cref="Restart"/> after a reconnect, which makes every
/// unacknowledged message eligible again (a resend of an already stored message is a duplicate the cloud drops by seq).
/// Not thread-safe: owned by the uplink's single publish loop.
/// </summary>
public sealed class OutboxDrainer(DurableOutbox outbox, TokenBucket rate, int maxInFlight)
{
    private readonly HashSet<long> _inFlight = [];
    private long _lastHandedId;

    public int InFlight => _inFlight.Count;

    public IReadOnlyList<OutboxMessage> NextBatch()
    {
        var room = maxInFlight - _inFlight.Count;
        if (room <= 0)
        {
            return [];
        }
        var candidates = outbox.Peek(room, _lastHandedId);
        var allowed = rate.TakeUpTo(candidates.Count);
        var batch = candidates.Take(allowed).ToList();
        foreach (var message in batch)
        {
            _inFlight.Add(message.Id);
            _lastHandedId = message.Id;
        }
        return batch;
    }

    public void Acked(long id)
    {
        _inFlight.Remove(id);
        outbox.Ack(id);
    }

    public void Restart()
    {
        _inFlight.Clear();
        _lastHandedId = 0;
    }
}
