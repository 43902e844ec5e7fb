namespace CidadesInteligentes.Mqtt.Packets;

public sealed class PublishPacket : MqttPacket
{
    public override PacketType Type => PacketType.Publish;
    public string Topic { get; set; } = "";
    public ReadOnlyMemory<byte> Payload { get; set; }
    public int Qos { get; set; }
    public bool Retain { get; set; }
    public bool Dup { get; set; }
    public ushort PacketId { get; set; }
    public MqttProperties? Properties { get; set; }

    internal override byte Flags => (byte)((Dup ? 0x08 : 0) | (Qos << 1) | (Retain ? 1 : 0));

    internal static void CheckQos(int qos)
    {
        if (qos is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Qos), qos, "PUBLISH QoS must be 0, 1 or 2 (MQTT 3.3.1.2); a larger value would set the DUP bit");
        }
    }

    internal override int BodySize(MqttProtocolVersion v) =>
        Qos is < 0 or > 2
            ? throw new ArgumentOutOfRangeException(nameof(Qos), Qos, "PUBLISH QoS must be 0, 1 or 2 (MQTT 3.3.1.2); a larger value would set the DUP bit")
            : SpanWriter.StringSize(Topic) + (Qos > 0 ? 2 : 0) + (v == MqttProtocolVersion.V500 ? MqttProperties.Size(Properties) : 0) + Payload.Length;

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        w.String(Topic);
        if (Qos > 0)
        {
            w.UInt16(PacketId);
        }
        if (v == MqttProtocolVersion.V500)
        {
            MqttProperties.Write(ref w, Properties);
        }
        w.Raw(Payload.Span);
    }

    internal static PublishPacket Read(ref SpanReader r, byte flags, MqttProtocolVersion v)
    {
        var qos = (flags >> 1) & 0x03;
        if (qos == 3)
        {
            throw new MqttProtocolException("PUBLISH QoS is 3 (MQTT 3.3.1.2)");
        }
        var dup = (flags & 0x08) != 0;
        if (dup && qos == 0)
        {
            throw new MqttProtocolException("PUBLISH DUP is 1 at QoS 0 (MQTT 3.3.1.1)");
        }
        var p = new PublishPacket { Qos = qos, Dup = dup, Retain = (flags & 0x01) != 0 };
        p.Topic = r.String("topic name");
        if (qos > 0)
        {
            p.PacketId = r.UInt16();
            if (p.PacketId == 0)
            {
                throw new MqttProtocolException("PUBLISH QoS > 0 with packet identifier 0 (MQTT 2.2.1)");
            }
        }
        if (v == MqttProtocolVersion.V500)
        {
            p.Properties = MqttProperties.Read(ref r, PropertyContext.Publish);
        }
        if (p.Topic.Length == 0 && p.Properties?.TopicAlias is null)
        {
            throw new MqttProtocolException("PUBLISH topic name is empty (MQTT 4.7.3)", ReasonCodes.TopicNameInvalid);
        }
        MqttCodec.CheckTopicName(p.Topic, "PUBLISH topic name");
        p.Payload = r.Rest().ToArray();
        if (p.Properties?.PayloadFormatIndicator == 1 && !System.Text.Unicode.Utf8.IsValid(p.Payload.Span))
        {
            throw new MqttProtocolException("PUBLISH payload marked UTF-8 is not well-formed UTF-8 (MQTT 3.3.2.3.2)", ReasonCodes.PayloadFormatInvalid);
        }
        return p;
    }
}

/// <summary>PUBACK, PUBREC, PUBREL and PUBCOMP: a packet id, and under 5.0 a reason code and properties.</summary>
public sealed class PubAckPacket : MqttPacket
{
    public PubAckPacket(PacketType type, ushort packetId, byte reasonCode = ReasonCodes.Success)
    {
        if (type is not (PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "not a publish acknowledgement type");
        }
        Type = type;
        PacketId = packetId;
        ReasonCode = reasonCode;
    }

    public override PacketType Type { get; }
    public ushort PacketId { get; set; }
    public byte ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }

    internal override byte Flags => Type == PacketType.PubRel ? (byte)0x02 : (byte)0;

    internal override int BodySize(MqttProtocolVersion v)
    {
        if (v != MqttProtocolVersion.V500 || (ReasonCode == 0 && Properties is null))
        {
            return 2;
        }
        return Properties is null ? 3 : 3 + MqttProperties.Size(Properties);
    }

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        w.UInt16(PacketId);
        if (v == MqttProtocolVersion.V500 && (ReasonCode != 0 || Properties is not null))
        {
            w.Byte(ReasonCode);
            if (Properties is not null)
            {
                MqttProperties.Write(ref w, Properties);
            }
        }
    }

    internal static PubAckPacket Read(ref SpanReader r, PacketType type, MqttProtocolVersion v)
    {
        var id = r.UInt16();
        if (id == 0)
        {
            throw new MqttProtocolException($"{type} packet identifier is 0 (MQTT 2.2.1)");
        }
        var p = new PubAckPacket(type, id);
        if (v == MqttProtocolVersion.V500 && r.Remaining > 0)
        {
            p.ReasonCode = r.Byte();
            if (r.Remaining > 0)
            {
                p.Properties = MqttProperties.Read(ref r, PropertyContext.Ack);
            }
        }
        r.End(type.ToString().ToUpperInvariant());
        return p;
    }

    public override string ToString() => $"{Type.ToString().ToUpperInvariant()}({PacketId})";
}
