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

    /// <summary>Decodes a body; false when it is not one <see cref="Encode"/> could have written.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> body, out OutboxMessage message)
    {
        message = null!;
        var span = body.Span;
        if (span.Length < 24 + 2 + 2)
        {
            return false;
        }
        var id = BinaryPrimitives.ReadInt64LittleEndian(span);
        var seq = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[16..]);
        if (id <= 0 || seq <= 0 || ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }
        var offset = 24;
        int streamLength = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
        if (offset + 2 + streamLength + 2 > span.Length)
        {
            return false;
        }
        var stream = Encoding.UTF8.GetString(span.Slice(offset + 2, streamLength));
        offset += 2 + streamLength;
        int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
        if (offset + 2 + topicLength > span.Length)
        {
            return false;
        }
        var topic = Encoding.UTF8.GetString(span.Slice(offset + 2, topicLength));
        offset += 2 + topicLength;
        message = new OutboxMessage(id, stream, seq, new DateTimeOffset(ticks, TimeSpan.Zero), topic, body[offset..].ToArray());
        return true;
    }
}
