using System.Buffers;
using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt;

/// <summary>
/// The single framing path of the library: encodes packets straight into an <see cref="IBufferWriter{T}"/> and
/// decodes them from a <see cref="ReadOnlySequence{T}"/> (as handed out by System.IO.Pipelines). The maximum packet
/// size is enforced from the fixed header, before any body is copied or allocated.
/// </summary>
public static class MqttCodec
{
    /// <summary>The largest remaining length MQTT can express (MQTT 1.5.5).</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <summary>Total encoded size of <paramref name="packet"/> (fixed header included).</summary>
    public static int GetSize(MqttPacket packet, MqttProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var body = packet.BodySize(version);
        return 1 + SpanWriter.VarIntSize(body) + body;
    }

    /// <summary>Encodes <paramref name="packet"/> into <paramref name="writer"/> without intermediate buffers.</summary>
    public static int Write(IBufferWriter<byte> writer, MqttPacket packet, MqttProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(packet);
        if (packet is PublishPacket publish)
        {
            return WritePublish(writer, publish, version);
        }
        var body = packet.BodySize(version);
        if (body > MaxRemainingLength)
        {
            throw new ArgumentException($"packet body of {body} bytes exceeds the MQTT maximum", nameof(packet));
        }
        var total = 1 + SpanWriter.VarIntSize(body) + body;
        var span = writer.GetSpan(total);
        var w = new SpanWriter(span);
        w.Byte((byte)(((int)packet.Type << 4) | packet.Flags));
        w.VarInt(body);
        packet.WriteBody(ref w, version);
        if (w.Written != total)
        {
            throw new InvalidOperationException($"{packet} wrote {w.Written} bytes, expected {total}");
        }
        writer.Advance(total);
        return total;
    }

    /// <summary>
    /// PUBLISH is the hot packet: same bytes and checks as <see cref="PublishPacket.BodySize"/> +
    /// <see cref="PublishPacket.WriteBody"/>, but the topic is measured once and the payload span fetched once.
    /// </summary>
    private static int WritePublish(IBufferWriter<byte> writer, PublishPacket packet, MqttProtocolVersion version)
    {
        var qos = packet.Qos;
        PublishPacket.CheckQos(qos);
        var topic = packet.Topic;
        var topicBytes = SpanWriter.Utf8Count(topic);
        var properties = packet.Properties;
        var v5 = version == MqttProtocolVersion.V500;
        var propertiesContent = v5 && properties is not null ? properties.ContentSize() : 0;
        var payload = packet.Payload.Span;
        var body = 2 + topicBytes + (qos > 0 ? 2 : 0) + (v5 ? SpanWriter.VarIntSize(propertiesContent) + propertiesContent : 0) + payload.Length;
        if (body > MaxRemainingLength)
        {
            throw new ArgumentException($"packet body of {body} bytes exceeds the MQTT maximum", nameof(packet));
        }
        var total = 1 + SpanWriter.VarIntSize(body) + body;
        var w = new SpanWriter(writer.GetSpan(total));
        w.Byte((byte)(((int)PacketType.Publish << 4) | (packet.Dup ? 0x08 : 0) | (qos << 1) | (packet.Retain ? 1 : 0)));
        w.VarInt(body);
        w.String(topic, topicBytes);
        if (qos > 0)
        {
            w.UInt16(packet.PacketId);
        }
        if (v5)
        {
            if (properties is null)
            {
                w.Byte(0);
            }
            else
            {
                MqttProperties.Write(ref w, properties, propertiesContent);
            }
        }
        w.Raw(payload);
        if (w.Written != total)
        {
            throw new InvalidOperationException($"{packet} wrote {w.Written} bytes, expected {total}");
        }
        writer.Advance(total);
        return total;
    }

    /// <summary>Encodes to a new array (tests and tools; the hot path uses <see cref="Write"/>).</summary>
    public static byte[] ToArray(MqttPacket packet, MqttProtocolVersion version)
    {
        var buffer = new ArrayBufferWriter<byte>(GetSize(packet, version));
        Write(buffer, packet, version);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Tries to decode one packet from the start of <paramref name="buffer"/>. Returns false when more bytes are
    /// needed (buffer untouched); on success slices the packet off <paramref name="buffer"/>. Throws
    /// <see cref="MqttProtocolException"/> for malformed input or a packet larger than <paramref name="maxPacketSize"/>.
    /// A CONNECT is decoded whatever <paramref name="version"/> is: it carries its own protocol level.
    /// </summary>
    public static bool TryReadPacket(ref ReadOnlySequence<byte> buffer, MqttProtocolVersion version, int maxPacketSize, out MqttPacket? packet)
    {
        packet = null;
        if (buffer.IsSingleSegment)
        {
            // Fast path (the usual case with pipelines): parse and decode straight from the one segment.
            var span = buffer.FirstSpan;
            if (span.Length < 2 || !TryReadHeader(span[..Math.Min(5, span.Length)], maxPacketSize, out var type, out var flags, out var lengthBytes, out var remaining))
            {
                return false;
            }
            var total = 1 + lengthBytes + remaining;
            if (span.Length < total)
            {
                return false;
            }
            packet = Decode(span.Slice(1 + lengthBytes, remaining), type, flags, version);
            buffer = buffer.Slice(total);
            return true;
        }
        if (buffer.Length < 2)
        {
            return false;
        }
        Span<byte> head = stackalloc byte[5];
        var headLength = (int)Math.Min(5, buffer.Length);
        buffer.Slice(0, headLength).CopyTo(head);
        {
            if (!TryReadHeader(head[..headLength], maxPacketSize, out var type, out var flags, out var lengthBytes, out var remaining))
            {
                return false;
            }
            var total = 1L + lengthBytes + remaining;
            if (buffer.Length < total)
            {
                return false;
            }
            var body = buffer.Slice(1 + lengthBytes, remaining);
            if (body.IsSingleSegment)
            {
                packet = Decode(body.FirstSpan, type, flags, version);
            }
            else
            {
                var rented = ArrayPool<byte>.Shared.Rent(remaining);
                try
                {
                    body.CopyTo(rented);
                    packet = Decode(rented.AsSpan(0, remaining), type, flags, version);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
            buffer = buffer.Slice(total);
            return true;
        }
    }

    /// <summary>
    /// Parses the fixed header from its first (at most 5) bytes <paramref name="head"/> (2 or more). False when the
    /// remaining length continues past the bytes available; throws for a malformed header, bad flags or a packet
    /// larger than <paramref name="maxPacketSize"/>.
    /// </summary>
    private static bool TryReadHeader(ReadOnlySpan<byte> head, int maxPacketSize, out PacketType type, out byte flags, out int lengthBytes, out int remaining)
    {
        type = 0;
        flags = 0;
        remaining = 0;
        lengthBytes = 0;
        var headLength = head.Length;
        for (var i = 1; ; i++)
        {
            if (i >= headLength)
            {
                if (headLength == 5)
                {
                    throw new MqttProtocolException("remaining length longer than 4 bytes (MQTT 1.5.5)");
                }
                return false;
            }
            var b = head[i];
            remaining |= (b & 0x7F) << (7 * (i - 1));
            if ((b & 0x80) == 0)
            {
                lengthBytes = i;
                break;
            }
            if (i == 4)
            {
                throw new MqttProtocolException("remaining length longer than 4 bytes (MQTT 1.5.5)");
            }
        }
        if (lengthBytes > 1 && head[lengthBytes] == 0)
        {
            throw new MqttProtocolException("remaining length is not minimally encoded (MQTT 1.5.5)");
        }
        var total = 1L + lengthBytes + remaining;
        if (total > maxPacketSize)
        {
            throw new MqttProtocolException($"packet of {total} bytes exceeds the maximum packet size {maxPacketSize}", ReasonCodes.PacketTooLarge);
        }
        var first = head[0];
        type = (PacketType)(first >> 4);
        flags = (byte)(first & 0x0F);
        CheckFlags(type, flags);
        return true;
    }

    /// <summary>Decodes a complete packet held in one span (tests and fuzzing).</summary>
    public static MqttPacket Decode(ReadOnlySpan<byte> packetBytes, MqttProtocolVersion version, int maxPacketSize = MaxRemainingLength)
    {
        var seq = new ReadOnlySequence<byte>(packetBytes.ToArray());
        if (!TryReadPacket(ref seq, version, maxPacketSize, out var packet) || packet is null)
        {
            throw new MqttProtocolException("packet is truncated: fewer bytes than its remaining length");
        }
        if (seq.Length != 0)
        {
            throw new MqttProtocolException($"{seq.Length} bytes follow the packet");
        }
        return packet;
    }

    private static void CheckFlags(PacketType type, byte flags)
    {
        var expected = type switch
        {
            PacketType.Publish => flags,
            PacketType.PubRel or PacketType.Subscribe or PacketType.Unsubscribe => 0x02,
            (PacketType)0 => throw new MqttProtocolException("packet type 0 is reserved (MQTT 2.1.2)"),
            _ => 0,
        };
        if (flags != expected)
        {
            throw new MqttProtocolException($"{type} fixed header flags are 0x{flags:X}, must be 0x{expected:X} (MQTT 2.1.3)");
        }
    }

    private static MqttPacket Decode(ReadOnlySpan<byte> body, PacketType type, byte flags, MqttProtocolVersion v)
    {
        var r = new SpanReader(body);
        return type switch
        {
            PacketType.Connect => ConnectPacket.Read(ref r),
            PacketType.ConnAck => ConnAckPacket.Read(ref r, v),
            PacketType.Publish => PublishPacket.Read(ref r, flags, v),
            PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp => PubAckPacket.Read(ref r, type, v),
            PacketType.Subscribe => SubscribePacket.Read(ref r, v),
            PacketType.SubAck or PacketType.UnsubAck => SubAckPacket.Read(ref r, type, v),
            PacketType.Unsubscribe => UnsubscribePacket.Read(ref r, v),
            PacketType.PingReq => Empty(ref r, PingPacket.Request),
            PacketType.PingResp => Empty(ref r, PingPacket.Response),
            _ => DisconnectPacket.Read(ref r, type, v),
        };
    }

    private static MqttPacket Empty(ref SpanReader r, MqttPacket packet)
    {
        r.End(packet.ToString());
        return packet;
    }

    /// <summary>Checks a topic name used for publishing: no wildcards (MQTT 4.7.1).</summary>
    public static void CheckTopicName(string topic, string what)
    {
        if (topic.AsSpan().IndexOfAny('+', '#') >= 0)
        {
            throw new MqttProtocolException($"{what} '{topic}' contains a wildcard (MQTT 4.7.1)", ReasonCodes.TopicNameInvalid);
        }
    }

    /// <summary>True for a valid topic filter: '#' only last and alone in its level, '+' alone in its level.</summary>
    public static bool IsValidFilter(string filter)
    {
        if (filter.Length == 0)
        {
            return false;
        }
        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('#', StringComparison.Ordinal) && (level != "#" || i != levels.Length - 1))
            {
                return false;
            }
            if (level.Contains('+', StringComparison.Ordinal) && level != "+")
            {
                return false;
            }
        }
        return true;
    }
}
