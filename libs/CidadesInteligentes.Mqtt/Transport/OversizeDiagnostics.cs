using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Transport;

/// <summary>What the connection's writer may leave out of a packet too large for the peer, rather than drop it.</summary>
internal static class OversizeDiagnostics
{
    /// <summary>
    /// An acknowledgement or DISCONNECT without its Reason String and User Properties, which MQTT 5 sends only when they
    /// keep the packet within the receiver's Maximum Packet Size ([MQTT-3.2.2-19/20], [MQTT-3.4.2-2/3], [MQTT-3.9.2-1/2],
    /// [MQTT-3.14.2-3/4]); null for any other packet (a PUBLISH's properties belong to the message) or nothing to leave out.
    /// A copy: the caller's packet keeps them.
    /// </summary>
    public static MqttPacket? Without(MqttPacket packet)
    {
        static MqttProperties? Lean(MqttProperties? p) =>
            p is { } && (p.ReasonString is not null || p.UserProperties is not null) ? p.WithoutDiagnostics() : null;
        return packet switch
        {
            ConnAckPacket c when Lean(c.Properties) is { } l => new ConnAckPacket { SessionPresent = c.SessionPresent, ReasonCode = c.ReasonCode, Properties = l },
            PubAckPacket a when Lean(a.Properties) is { } l => new PubAckPacket(a.Type, a.PacketId, a.ReasonCode) { Properties = l },
            SubAckPacket a when Lean(a.Properties) is { } l => new SubAckPacket(a.Type) { PacketId = a.PacketId, ReasonCodes = a.ReasonCodes, Properties = l },
            DisconnectPacket d when Lean(d.Properties) is { } l => new DisconnectPacket(d.Type, d.ReasonCode) { Properties = l },
            _ => null,
        };
    }
}
