namespace CidadesInteligentes.Mqtt.Packets;

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
