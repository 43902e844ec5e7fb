using System.Buffers.Binary;
using System.Text;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>Body of a segment record: id, seq, ts ticks (UTC), stream, topic, payload.</summary>
internal static class OutboxRecord
{
    /// <summary>The length of <see cref="Encode"/>'s result, without encoding.</summary>
    public static int BodyLength(OutboxMessage message) =>
        24 + 2 + Encoding.UTF8.GetByteCount(message.Stream) + 2 + Encoding.UTF8.GetByteCount(message.Topic) + message.Payload.Length;

    public static byte[] Encode(OutboxMessage message)
    {
        var stream = Encoding.UTF8.GetBytes(message.Stream);
        var topic = Encoding.UTF8.GetBytes(message.Topic);
        var body = new byte[24 + 2 + stream.Length + 2 + topic.Length + message.Payload.Length];
        var span = body.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, message.Id);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], message.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], message.Ts.UtcTicks);
        span = span[24..];
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)stream.Length);
        stream.CopyTo(span[2..]);
        span = span[(2 + stream.Length)..];
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)topic.Length);
        topic.CopyTo(span[2..]);
        message.Payload.Span.CopyTo(span[(2 + topic.Length)..]);
        return body;
    }

    public static OutboxMessage Decode(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        var id = BinaryPrimitives.ReadInt64LittleEndian(span);
        var seq = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
        var ts = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[16..]), TimeSpan.Zero);
        var offset = 24;
        int streamLength = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
        var stream = Encoding.UTF8.GetString(span.Slice(offset + 2, streamLength));
        offset += 2 + streamLength;
        int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
        var topic = Encoding.UTF8.GetString(span.Slice(offset + 2, topicLength));
        offset += 2 + topicLength;
        return new OutboxMessage(id, stream, seq, ts, topic, body[offset..].ToArray());
    }
}
