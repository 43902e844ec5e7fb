namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>One queued message. <paramref name="Id"/> is the outbox's own key for <see cref="DurableOutbox.Ack"/>.</summary>
public sealed record OutboxMessage(long Id, string Stream, long Seq, DateTimeOffset Ts, string Topic, ReadOnlyMemory<byte> Payload);
