using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Outbox;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>
/// The device's real outbox with a simulated link in front: while <see cref="LinkUp"/> is false the uplink sees
/// nothing to send, so messages pile up on the device exactly as during a link, broker or supply outage and drain
/// afterwards with their original timestamps. Counts every message the device queued.
/// </summary>
public sealed class GatedOutbox(IOutbox inner) : IOutbox
{
    private long _queued;

    public volatile bool LinkUp = true;

    public long Queued => Interlocked.Read(ref _queued);

    public int PendingCount => inner.PendingCount;

    public OutboxMessage Enqueue(string stream, string topic, DateTimeOffset ts, Func<long, ReadOnlyMemory<byte>> buildPayload)
    {
        Interlocked.Increment(ref _queued);
        return inner.Enqueue(stream, topic, ts, buildPayload);
    }

    public IReadOnlyList<OutboxMessage> Peek(int max, long afterId = 0) => LinkUp ? inner.Peek(max, afterId) : [];

    public bool Ack(long id) => inner.Ack(id);

    public long LastSeq(string stream) => inner.LastSeq(stream);

    public OutboxDrops TakeOverflowCount() => inner.TakeOverflowCount();
}
