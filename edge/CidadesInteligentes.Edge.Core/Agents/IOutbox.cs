using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>
/// A device's queue of unsent sequenced messages (telemetry, event, cmd/ack). Each stream numbers its own
/// <c>seq</c> from 1; a message leaves only through <see cref="Ack"/> (after its PUBACK) or, when full, by dropping
/// the oldest (counted for the <c>outboxOverflow</c> event). Implementations are thread-safe.
/// </summary>
public interface IOutbox
{
    /// <summary>Unacknowledged messages held now.</summary>
    int PendingCount { get; }

    /// <summary>
    /// Assigns the next seq of <paramref name="stream"/>, builds the payload with it and queues it. Never fails for
    /// storage: when no seq can be handed out safely (the SD card refuses the reservation) nothing is queued, the
    /// result has <c>Seq</c> 0 and the drop is counted in <see cref="TakeOverflowCount"/>.
    /// </summary>
    OutboxMessage Enqueue(string stream, string topic, DateTimeOffset ts, Func<long, ReadOnlyMemory<byte>> buildPayload);

    /// <summary>Pending messages in queue order with an id above <paramref name="afterId"/>.</summary>
    IReadOnlyList<OutboxMessage> Peek(int max, long afterId = 0);

    /// <summary>Removes a message after its PUBACK; false when it was no longer pending.</summary>
    bool Ack(long id);

    /// <summary>The last seq handed out on <paramref name="stream"/> (0 if none).</summary>
    long LastSeq(string stream);

    /// <summary>Unsent messages dropped since the previous call, by why.</summary>
    OutboxDrops TakeOverflowCount();
}

/// <summary>Stream keys of the sequenced topics (<see cref="TopicName.StreamText"/>).</summary>
public static class OutboxStreams
{
    public static readonly string Telemetry = TopicName.StreamText(TopicStream.Telemetry);
    public static readonly string Event = TopicName.StreamText(TopicStream.Event);
    public static readonly string CommandAck = TopicName.StreamText(TopicStream.CommandAck);
}

public static class OutboxExtensions
{
    /// <summary>Queues a contract payload: sets <c>v</c> (if missing) and <c>seq</c>, then serializes it. <c>ts</c> must be set.</summary>
    public static OutboxMessage Enqueue<T>(this IOutbox outbox, string stream, string topic, T payload, JsonTypeInfo<T> typeInfo)
        where T : SequencedPayload
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(payload);
        payload.V ??= 1;
        var ts = payload.Ts ?? throw new ArgumentException("payload.Ts must be set from the agent's clock", nameof(payload));
        return outbox.Enqueue(stream, topic, ts, seq =>
        {
            payload.Seq = seq;
            return JsonSerializer.SerializeToUtf8Bytes(payload, typeInfo);
        });
    }
}
