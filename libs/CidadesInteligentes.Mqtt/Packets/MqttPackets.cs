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
