namespace CidadesInteligentes.Mqtt.Packets;

/// <summary>One topic filter of SUBSCRIBE with its options.</summary>
public sealed record TopicSubscription(string Filter, int Qos, bool NoLocal = false, bool RetainAsPublished = false, int RetainHandling = 0);

public sealed class SubscribePacket : MqttPacket
{
    public override PacketType Type => PacketType.Subscribe;
    public ushort PacketId { get; set; }
    public List<TopicSubscription> Subscriptions { get; set; } = [];
    public MqttProperties? Properties { get; set; }

    internal override byte Flags => 0x02;

    internal override int BodySize(MqttProtocolVersion v)
    {
        var n = 2 + (v == MqttProtocolVersion.V500 ? MqttProperties.Size(Properties) : 0);
        foreach (var s in Subscriptions)
        {
            if (s.Qos is < 0 or > 2 || s.RetainHandling is < 0 or > 2)
            {
                throw new ArgumentOutOfRangeException(nameof(Subscriptions), s, "subscription QoS and retain handling must be 0, 1 or 2 (MQTT 3.8.3.1)");
            }
            n += SpanWriter.StringSize(s.Filter) + 1;
        }
        return n;
    }

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        w.UInt16(PacketId);
        if (v == MqttProtocolVersion.V500)
        {
            MqttProperties.Write(ref w, Properties);
        }
        foreach (var s in Subscriptions)
        {
            w.String(s.Filter);
            var o = s.Qos;
            if (v == MqttProtocolVersion.V500)
            {
                o |= (s.NoLocal ? 0x04 : 0) | (s.RetainAsPublished ? 0x08 : 0) | (s.RetainHandling << 4);
            }
            w.Byte((byte)o);
        }
    }

    internal static SubscribePacket Read(ref SpanReader r, MqttProtocolVersion v)
    {
        var p = new SubscribePacket { PacketId = r.UInt16() };
        if (p.PacketId == 0)
        {
            throw new MqttProtocolException("SUBSCRIBE packet identifier is 0 (MQTT 2.2.1)");
        }
        if (v == MqttProtocolVersion.V500)
        {
            p.Properties = MqttProperties.Read(ref r, PropertyContext.Subscribe);
        }
        while (r.Remaining > 0)
        {
            var filter = r.String("topic filter");
            var o = r.Byte();
            var qos = o & 0x03;
            if (qos == 3)
            {
                throw new MqttProtocolException("SUBSCRIBE requested QoS 3 (MQTT 3.8.3.1)");
            }
            if (v == MqttProtocolVersion.V311 && (o & 0xFC) != 0)
            {
                throw new MqttProtocolException("SUBSCRIBE options reserved bits are not 0 (MQTT 3.1.1 3.8.3.1)");
            }
            if (v == MqttProtocolVersion.V500 && ((o & 0xC0) != 0 || ((o >> 4) & 0x03) == 3))
            {
                throw new MqttProtocolException("SUBSCRIBE options reserved bits set or retain handling 3 (MQTT 3.8.3.1)");
            }
            p.Subscriptions.Add(new TopicSubscription(filter, qos, (o & 0x04) != 0, (o & 0x08) != 0, (o >> 4) & 0x03));
        }
        if (p.Subscriptions.Count == 0)
        {
            throw new MqttProtocolException("SUBSCRIBE has no topic filter (MQTT 3.8.3)", ReasonCodes.ProtocolError);
        }
        return p;
    }
}

/// <summary>SUBACK and UNSUBACK: one reason code per filter (UNSUBACK carries none under 3.1.1).</summary>
public sealed class SubAckPacket : MqttPacket
{
    public SubAckPacket(PacketType type = PacketType.SubAck)
    {
        if (type is not (PacketType.SubAck or PacketType.UnsubAck))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "not SUBACK or UNSUBACK");
        }
        Type = type;
    }

    public override PacketType Type { get; }
    public ushort PacketId { get; set; }
    public List<byte> ReasonCodes { get; set; } = [];
    public MqttProperties? Properties { get; set; }

    private bool HasCodes(MqttProtocolVersion v) => Type == PacketType.SubAck || v == MqttProtocolVersion.V500;

    internal override int BodySize(MqttProtocolVersion v) =>
        2 + (v == MqttProtocolVersion.V500 ? MqttProperties.Size(Properties) : 0) + (HasCodes(v) ? ReasonCodes.Count : 0);

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        w.UInt16(PacketId);
        if (v == MqttProtocolVersion.V500)
        {
            MqttProperties.Write(ref w, Properties);
        }
        if (HasCodes(v))
        {
            foreach (var c in ReasonCodes)
            {
                w.Byte(v == MqttProtocolVersion.V311 && c >= 0x80 ? (byte)0x80 : c);
            }
        }
    }

    internal static SubAckPacket Read(ref SpanReader r, PacketType type, MqttProtocolVersion v)
    {
        var p = new SubAckPacket(type) { PacketId = r.UInt16() };
        if (p.PacketId == 0)
        {
            // It echoes the SUBSCRIBE/UNSUBSCRIBE identifier, which can never be 0.
            throw new MqttProtocolException($"{type.ToString().ToUpperInvariant()} packet identifier is 0 (MQTT 2.2.1)");
        }
        if (v == MqttProtocolVersion.V500)
        {
            p.Properties = MqttProperties.Read(ref r, type == PacketType.SubAck ? PropertyContext.SubAck : PropertyContext.UnsubAck);
        }
        if (p.HasCodes(v))
        {
            while (r.Remaining > 0)
            {
                var c = r.Byte();
                if (v == MqttProtocolVersion.V311 && c is not (0 or 1 or 2 or 0x80))
                {
                    throw new MqttProtocolException($"SUBACK return code 0x{c:X2} is not allowed in MQTT 3.1.1");
                }
                p.ReasonCodes.Add(c);
            }
            if (p.ReasonCodes.Count == 0)
            {
                throw new MqttProtocolException($"{type} carries no reason codes");
            }
        }
        r.End(type.ToString().ToUpperInvariant());
        return p;
    }
}

public sealed class UnsubscribePacket : MqttPacket
{
    public override PacketType Type => PacketType.Unsubscribe;
    public ushort PacketId { get; set; }
    public List<string> Filters { get; set; } = [];
    public MqttProperties? Properties { get; set; }

    internal override byte Flags => 0x02;

    internal override int BodySize(MqttProtocolVersion v)
    {
        var n = 2 + (v == MqttProtocolVersion.V500 ? MqttProperties.Size(Properties) : 0);
        foreach (var f in Filters)
        {
            n += SpanWriter.StringSize(f);
        }
        return n;
    }

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        w.UInt16(PacketId);
        if (v == MqttProtocolVersion.V500)
        {
            MqttProperties.Write(ref w, Properties);
        }
        foreach (var f in Filters)
        {
            w.String(f);
        }
    }

    internal static UnsubscribePacket Read(ref SpanReader r, MqttProtocolVersion v)
    {
        var p = new UnsubscribePacket { PacketId = r.UInt16() };
        if (p.PacketId == 0)
        {
            throw new MqttProtocolException("UNSUBSCRIBE packet identifier is 0 (MQTT 2.2.1)");
        }
        if (v == MqttProtocolVersion.V500)
        {
            p.Properties = MqttProperties.Read(ref r, PropertyContext.Unsubscribe);
        }
        while (r.Remaining > 0)
        {
            p.Filters.Add(r.String("topic filter"));
        }
        if (p.Filters.Count == 0)
        {
            throw new MqttProtocolException("UNSUBSCRIBE has no topic filter (MQTT 3.10.3)", ReasonCodes.ProtocolError);
        }
        return p;
    }
}
