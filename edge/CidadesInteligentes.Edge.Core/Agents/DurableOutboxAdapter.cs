using CidadesInteligentes.Edge.Core.Outbox;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary><see cref="IOutbox"/> over the on-disk <see cref="DurableOutbox"/> (real devices). Owns it.</summary>
public sealed class DurableOutboxAdapter(DurableOutbox outbox) : IOutbox, IDisposable
{
    public DurableOutbox Inner => outbox;

    public int PendingCount => outbox.PendingCount;

    public OutboxMessage Enqueue(string stream, string topic, DateTimeOffset ts, Func<long, ReadOnlyMemory<byte>> buildPayload) =>
        outbox.Enqueue(stream, topic, ts, buildPayload);

    public IReadOnlyList<OutboxMessage> Peek(int max, long afterId = 0) => outbox.Peek(max, afterId);

    public bool Ack(long id) => outbox.Ack(id);

    public long LastSeq(string stream) => outbox.LastSeq(stream);

    public OutboxDrops TakeOverflowCount() => outbox.TakeOverflowCount();

    public void Dispose() => outbox.Dispose();
}
