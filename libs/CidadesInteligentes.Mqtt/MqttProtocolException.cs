namespace CidadesInteligentes.Mqtt;

/// <summary>
/// The one exception the codec and session engines throw for malformed or forbidden input. <see cref="Rule"/> names
/// the broken rule in words; <see cref="ReasonCode"/> is the MQTT 5.0 reason code to send in DISCONNECT/CONNACK.
/// </summary>
public sealed class MqttProtocolException : Exception
{
    public MqttProtocolException()
        : this("malformed packet")
    {
    }

    public MqttProtocolException(string rule)
        : this(rule, ReasonCodes.MalformedPacket)
    {
    }

    public MqttProtocolException(string rule, Exception inner)
        : base(rule, inner)
    {
        Rule = rule;
        ReasonCode = ReasonCodes.MalformedPacket;
    }

    public MqttProtocolException(string rule, byte reasonCode)
        : base(rule)
    {
        Rule = rule;
        ReasonCode = reasonCode;
    }

    public string Rule { get; } = "malformed packet";

    public byte ReasonCode { get; }
}
