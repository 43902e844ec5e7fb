namespace CidadesInteligentes.Mqtt.Packets;

/// <summary>Protocol levels this library speaks.</summary>
public enum MqttProtocolVersion : byte
{
    V311 = 4,
    V500 = 5,
}

/// <summary>MQTT control packet types (MQTT 2.1.2).</summary>
public enum PacketType : byte
{
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}

/// <summary>Base of every control packet. Encoding and decoding live in <see cref="MqttCodec"/>.</summary>
public abstract class MqttPacket
{
    public abstract PacketType Type { get; }

    /// <summary>Low nibble of the first byte.</summary>
    internal virtual byte Flags => 0;

    internal abstract int BodySize(MqttProtocolVersion v);

    internal abstract void WriteBody(ref SpanWriter w, MqttProtocolVersion v);

    public override string ToString() => Type.ToString().ToUpperInvariant();
}

/// <summary>The will message carried by CONNECT.</summary>
public sealed class WillMessage
{
    public required string Topic { get; set; }
    public ReadOnlyMemory<byte> Payload { get; set; }
    public int Qos { get; set; }
    public bool Retain { get; set; }
    public MqttProperties? Properties { get; set; }
}

public sealed class ConnectPacket : MqttPacket
{
    public override PacketType Type => PacketType.Connect;
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V500;
    public string ClientId { get; set; } = "";
    public bool CleanStart { get; set; } = true;
    public ushort KeepAliveSeconds { get; set; } = 60;
    public string? Username { get; set; }
    public byte[]? Password { get; set; }
    public WillMessage? Will { get; set; }
    public MqttProperties? Properties { get; set; }

    internal override int BodySize(MqttProtocolVersion v)
    {
        if (Will is { Qos: < 0 or > 2 } bad)
        {
            // Shifted into the connect flags, a QoS of 3+ would set the will retain or password bits (MQTT 3.1.2.6).
            throw new ArgumentOutOfRangeException(nameof(Will), bad.Qos, "will QoS must be 0, 1 or 2");
        }
        var n = 6 + 1 + 1 + 2; // "MQTT" + level + flags + keep-alive
        if (ProtocolVersion == MqttProtocolVersion.V500)
        {
            n += MqttProperties.Size(Properties);
        }
        n += SpanWriter.StringSize(ClientId);
        if (Will is { } will)
        {
            if (ProtocolVersion == MqttProtocolVersion.V500)
            {
                n += MqttProperties.Size(will.Properties);
            }
            n += SpanWriter.StringSize(will.Topic) + 2 + will.Payload.Length;
        }
        if (Username is not null)
        {
            n += SpanWriter.StringSize(Username);
        }
        if (Password is not null)
        {
            n += 2 + Password.Length;
        }
        return n;
    }

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        w.String("MQTT");
        w.Byte((byte)ProtocolVersion);
        var flags = 0;
        if (CleanStart) flags |= 0x02;
        if (Will is { } wm) flags |= 0x04 | (wm.Qos << 3) | (wm.Retain ? 0x20 : 0);
        if (Password is not null) flags |= 0x40;
        if (Username is not null) flags |= 0x80;
        w.Byte((byte)flags);
        w.UInt16(KeepAliveSeconds);
        if (ProtocolVersion == MqttProtocolVersion.V500)
        {
            MqttProperties.Write(ref w, Properties);
        }
        w.String(ClientId);
        if (Will is { } will)
        {
            if (ProtocolVersion == MqttProtocolVersion.V500)
            {
                MqttProperties.Write(ref w, will.Properties);
            }
            w.String(will.Topic);
            w.Binary(will.Payload.Span);
        }
        if (Username is not null)
        {
            w.String(Username);
        }
        if (Password is not null)
        {
            w.Binary(Password);
        }
    }

    internal static ConnectPacket Read(ref SpanReader r)
    {
        var name = r.String("protocol name");
        var level = r.Byte();
        if (name != "MQTT" || level is not (4 or 5))
        {
            throw new MqttProtocolException($"unsupported protocol '{name}' level {level}; this server speaks MQTT 3.1.1 (4) and 5.0 (5) (MQTT 3.1.2.1, 3.1.2.2)", ReasonCodes.UnsupportedProtocolVersion);
        }
        var p = new ConnectPacket { ProtocolVersion = (MqttProtocolVersion)level };
        var flags = r.Byte();
        if ((flags & 0x01) != 0)
        {
            throw new MqttProtocolException("CONNECT reserved flag is not 0 (MQTT 3.1.2.3)");
        }
        p.CleanStart = (flags & 0x02) != 0;
        var hasWill = (flags & 0x04) != 0;
        var willQos = (flags >> 3) & 0x03;
        var willRetain = (flags & 0x20) != 0;
        var hasPassword = (flags & 0x40) != 0;
        var hasUser = (flags & 0x80) != 0;
        if (willQos == 3)
        {
            throw new MqttProtocolException("CONNECT will QoS is 3 (MQTT 3.1.2.6)");
        }
        if (!hasWill && (willQos != 0 || willRetain))
        {
            throw new MqttProtocolException("CONNECT will QoS/retain set without the will flag (MQTT 3.1.2.6)");
        }
        if (level == 4 && hasPassword && !hasUser)
        {
            throw new MqttProtocolException("CONNECT password flag set without user name flag (MQTT 3.1.1 3.1.2.9)");
        }
        p.KeepAliveSeconds = r.UInt16();
        if (level == 5)
        {
            p.Properties = MqttProperties.Read(ref r, PropertyContext.Connect);
        }
        p.ClientId = r.String("client identifier");
        if (hasWill)
        {
            var props = level == 5 ? MqttProperties.Read(ref r, PropertyContext.Will) : null;
            var topic = r.String("will topic");
            if (topic.Length == 0)
            {
                throw new MqttProtocolException("will topic is empty (MQTT 4.7.3)", ReasonCodes.TopicNameInvalid);
            }
            MqttCodec.CheckTopicName(topic, "will topic");
            p.Will = new WillMessage { Topic = topic, Payload = r.Binary("will payload"), Qos = willQos, Retain = willRetain, Properties = props };
        }
        if (hasUser)
        {
            p.Username = r.String("user name");
        }
        if (hasPassword)
        {
            p.Password = r.Binary("password");
        }
        r.End("CONNECT");
        return p;
    }
}

public sealed class ConnAckPacket : MqttPacket
{
    public override PacketType Type => PacketType.ConnAck;
    public bool SessionPresent { get; set; }

    /// <summary>5.0 reason code; under 3.1.1 it is mapped to the return code on the wire.</summary>
    public byte ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }

    internal override int BodySize(MqttProtocolVersion v) => 2 + (v == MqttProtocolVersion.V500 ? MqttProperties.Size(Properties) : 0);

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        w.Byte(SessionPresent ? (byte)1 : (byte)0);
        if (v == MqttProtocolVersion.V500)
        {
            w.Byte(ReasonCode);
            MqttProperties.Write(ref w, Properties);
        }
        else
        {
            w.Byte(ReasonCodes.ToV311ConnAck(ReasonCode));
        }
    }

    internal static ConnAckPacket Read(ref SpanReader r, MqttProtocolVersion v)
    {
        var ack = r.Byte();
        if ((ack & 0xFE) != 0)
        {
            throw new MqttProtocolException("CONNACK acknowledge flags bits 7-1 are reserved (MQTT 3.2.2.1)");
        }
        var p = new ConnAckPacket { SessionPresent = ack == 1 };
        var code = r.Byte();
        if (v == MqttProtocolVersion.V500)
        {
            p.ReasonCode = code;
            p.Properties = MqttProperties.Read(ref r, PropertyContext.ConnAck);
        }
        else
        {
            if (code > 5)
            {
                throw new MqttProtocolException($"CONNACK return code {code} is not defined in MQTT 3.1.1");
            }
            p.ReasonCode = ReasonCodes.FromV311ConnAck(code);
        }
        r.End("CONNACK");
        return p;
    }
}

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

/// <summary>PINGREQ and PINGRESP (no body).</summary>
public sealed class PingPacket : MqttPacket
{
    public static readonly PingPacket Request = new(PacketType.PingReq);
    public static readonly PingPacket Response = new(PacketType.PingResp);

    private PingPacket(PacketType type) => Type = type;

    public override PacketType Type { get; }

    internal override int BodySize(MqttProtocolVersion v) => 0;

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
    }
}

/// <summary>DISCONNECT (and under 5.0 AUTH, which has the same shape: reason code + properties).</summary>
public sealed class DisconnectPacket : MqttPacket
{
    public DisconnectPacket(PacketType type = PacketType.Disconnect, byte reasonCode = ReasonCodes.Success)
    {
        if (type is not (PacketType.Disconnect or PacketType.Auth))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "not DISCONNECT or AUTH");
        }
        Type = type;
        ReasonCode = reasonCode;
    }

    public override PacketType Type { get; }
    public byte ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }

    internal override int BodySize(MqttProtocolVersion v) =>
        v != MqttProtocolVersion.V500 || (ReasonCode == 0 && Properties is null) ? 0 : 1 + MqttProperties.Size(Properties);

    internal override void WriteBody(ref SpanWriter w, MqttProtocolVersion v)
    {
        if (v == MqttProtocolVersion.V500 && (ReasonCode != 0 || Properties is not null))
        {
            w.Byte(ReasonCode);
            MqttProperties.Write(ref w, Properties);
        }
    }

    internal static DisconnectPacket Read(ref SpanReader r, PacketType type, MqttProtocolVersion v)
    {
        var p = new DisconnectPacket(type);
        if (v == MqttProtocolVersion.V311 && type == PacketType.Auth)
        {
            throw new MqttProtocolException("AUTH does not exist in MQTT 3.1.1 (packet type 15 is reserved)");
        }
        if (v == MqttProtocolVersion.V500 && r.Remaining > 0)
        {
            p.ReasonCode = r.Byte();
            if (r.Remaining > 0)
            {
                p.Properties = MqttProperties.Read(ref r, type == PacketType.Auth ? PropertyContext.Auth : PropertyContext.Disconnect);
            }
        }
        r.End(type.ToString().ToUpperInvariant());
        return p;
    }
}
