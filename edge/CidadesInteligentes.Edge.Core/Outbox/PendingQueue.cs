namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// The messages an outbox still has to deliver, oldest first, found by id in O(1) when their PUBACK arrives.
/// Shared by <see cref="DurableOutbox"/> and the in-memory outbox; not thread-safe (each owner holds its own lock).
/// </summary>
internal sealed class PendingQueue
{
    private readonly LinkedList<OutboxMessage> _queue = new();
    private readonly Dictionary<long, LinkedListNode<OutboxMessage>> _byId = [];

    public int Count => _queue.Count;

    /// <summary>The oldest pending message, or null when empty.</summary>
    public OutboxMessage? Oldest => _queue.First?.Value;

    public bool Contains(long id) => _byId.ContainsKey(id);

    public void Add(OutboxMessage message) => _byId[message.Id] = _queue.AddLast(message);

    /// <summary>Removes the message with <paramref name="id"/>; null when it was not pending.</summary>
    public OutboxMessage? Remove(long id)
    {
        if (!_byId.Remove(id, out var node))
        {
            return null;
        }
        _queue.Remove(node);
        return node.Value;
    }

    /// <summary>Up to <paramref name="max"/> messages in queue order whose id is above <paramref name="afterId"/>.</summary>
    public List<OutboxMessage> Peek(int max, long afterId)
    {
        var result = new List<OutboxMessage>();
        for (var node = _queue.First; node is not null && result.Count < max; node = node.Next)
        {
            if (node.Value.Id > afterId)
            {
                result.Add(node.Value);
            }
        }
        return result;
    }
}
