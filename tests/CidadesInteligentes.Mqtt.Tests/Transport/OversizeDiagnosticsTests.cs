using System.IO.Pipelines;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Transport;

/// <summary>
/// MQTT 5 lets a Reason String or User Property go only when it keeps an acknowledgement or DISCONNECT within the
/// Maximum Packet Size the receiver announced ([MQTT-3.2.2-19], [MQTT-3.4.2-2], [MQTT-3.9.2-1], [MQTT-3.14.2-3]): it is
/// the diagnostic that is left out, not the packet. The writer used to drop the whole packet, so a client whose limit
/// was small never got its SUBACK (and waited for ever) or the reason code of its refusal. A PUBLISH still is dropped
/// whole: its properties belong to the message.
/// </summary>
public sealed class OversizeDiagnosticsTests
{
    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    [Fact]
    public async Task An_ack_or_disconnect_over_the_peers_limit_goes_without_its_reason_string_and_user_properties()
    {
        var toPeer = new Pipe();
        var fromPeer = new Pipe();
        await using var sender = new MqttConnection(new Duplex(fromPeer.Reader, toPeer.Writer)) { MaxOutgoingPacketSize = 40 };
        await using var peer = new MqttConnection(new Duplex(toPeer.Reader, fromPeer.Writer));
        var dropped = 0;
        sender.DroppedTooLarge = (_, _) => Interlocked.Increment(ref dropped);
        var reason = new string('x', 200);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        var subAck = new SubAckPacket { PacketId = 7, ReasonCodes = { ReasonCodes.GrantedQos1, ReasonCodes.NotAuthorized }, Properties = new MqttProperties { ReasonString = reason } };
        await sender.SendAsync(subAck, limit.Token);
        var gotAck = Assert.IsType<SubAckPacket>(await peer.ReadAsync(limit.Token));
        Assert.Equal((ushort)7, gotAck.PacketId);
        Assert.Equal([ReasonCodes.GrantedQos1, ReasonCodes.NotAuthorized], gotAck.ReasonCodes);
        Assert.Null(gotAck.Properties?.ReasonString);

        var disconnect = new DisconnectPacket(reasonCode: ReasonCodes.ProtocolError)
        {
            Properties = new MqttProperties { ReasonString = reason, UserProperties = [new("why", reason)] },
        };
        await sender.SendAsync(disconnect, limit.Token);
        var gotDisconnect = Assert.IsType<DisconnectPacket>(await peer.ReadAsync(limit.Token));
        Assert.Equal(ReasonCodes.ProtocolError, gotDisconnect.ReasonCode);
        Assert.Null(gotDisconnect.Properties?.ReasonString);
        Assert.Null(gotDisconnect.Properties?.UserProperties);
        // the packet the caller built keeps its diagnostics (it may be logged or sent elsewhere)
        Assert.Equal(reason, disconnect.Properties.ReasonString);

        // a message is never cut: one over the limit is dropped whole (and counted), the next one that fits arrives
        await sender.SendAsync(new PublishPacket { Topic = "t", Payload = new byte[100], Qos = 0 }, limit.Token);
        await sender.SendAsync(new PublishPacket { Topic = "t", Payload = new byte[5], Qos = 0 }, limit.Token);
        Assert.Equal(5, Assert.IsType<PublishPacket>(await peer.ReadAsync(limit.Token)).Payload.Length);
        Assert.Equal(1, dropped);
    }
}
