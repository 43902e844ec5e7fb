using CidadesInteligentes.Edge.Core.Outbox;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>
/// In-memory <see cref="IOutbox"/> with the same semantics as the durable one (per-stream seq from 1, FIFO, oldest
/// dropped past <c>maxMessages</c>), for simulators running thousands of devices. Lost on process exit.
/// </summary>
public sealed class MemoryOutbox : IOutbox
{
    private readonly object _gate = new();
    private readonly int _maxMessages;
    private readonly PendingQueue _pending = new();
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
    private long _lastId;
    private long _overflow;

    /// <param name="maxMessages">Oldest dropped beyond this.</param>
    /// <param name="lastSeqs">The last seq each stream handed out in an earlier run (a restarted simulated device continues from them).</param>
    public MemoryOutbox(int maxMessages = 10_000, IReadOnlyDictionary<string, long>? lastSeqs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        _maxMessages = maxMessages;
        foreach (var (stream, seq) in lastSeqs ?? new Dictionary<string, long>())
        {
            _lastSeq[stream] = Math.Max(0, seq);
        }
    }

    public int PendingCount
    {
        get { lock (_gate) { return _pending.Count; } }
    }

    public OutboxMessage Enqueue(string stream, string topic, DateTimeOffset ts, Func<long, ReadOnlyMemory<byte>> buildPayload)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(buildPayload);
        lock (_gate)
        {
            var seq = _lastSeq.GetValueOrDefault(stream) + 1;
            _lastSeq[stream] = seq;
            var message = new OutboxMessage(++_lastId, stream, seq, ts.ToUniversalTime(), topic, buildPayload(seq));
            _pending.Add(message);
            while (_pending.Count > _maxMessages)
            {
                _pending.Remove(_pending.Oldest!.Id);
                _overflow++;
            }
            return message;
        }
    }

    public IReadOnlyList<OutboxMessage> Peek(int max, long afterId = 0)
    {
        lock (_gate)
        {
            return _pending.Peek(max, afterId);
        }
    }

    public bool Ack(long id)
    {
        lock (_gate)
        {
            return _pending.Remove(id) is not null;
        }
    }

    public long LastSeq(string stream)
    {
        lock (_gate)
        {
            return _lastSeq.GetValueOrDefault(stream);
        }
    }

    public OutboxDrops TakeOverflowCount()
    {
        lock (_gate)
        {
            var n = _overflow;
            _overflow = 0;
            return new OutboxDrops(n, 0, 0);
        }
    }
}
