namespace CidadesInteligentes.Mqtt.Packets;

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
