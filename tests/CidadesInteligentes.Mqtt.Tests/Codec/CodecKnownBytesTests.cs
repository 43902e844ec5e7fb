using System.Buffers;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Codec;

/// <summary>Byte sequences written out by hand from the MQTT 3.1.1 and 5.0 specification tables and examples.</summary>
public sealed class CodecKnownBytesTests
{
    // MQTT 1.5.5 (5.0) / 2.2.3 (3.1.1) table: the boundaries of 1, 2, 3 and 4 byte variable byte integers.
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void Variable_byte_integer_matches_the_spec_table(int value, byte[] expected)
    {
        Assert.Equal(expected.Length, SpanWriter.VarIntSize(value));
        var buffer = new byte[4];
        var w = new SpanWriter(buffer);
        w.VarInt(value);
        Assert.Equal(expected, buffer[..w.Written]);
        var r = new SpanReader(expected);
        Assert.Equal(value, r.VarInt());
        Assert.Equal(0, r.Remaining);
    }

    // The fixed header carries the same encoding: a header announcing N body bytes means a packet of 1 + len + N.
    // Example: 268,435,455 -> FF FF FF 7F, total 1 + 4 + 268,435,455 = 268,435,460. The maximum packet size check
    // (which fires before the body arrives) reveals the decoded total without allocating the body.
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void Fixed_header_remaining_length_decodes_to_the_spec_value(int remaining, byte[] encoded)
    {
        byte[] header = [0x30, .. encoded];
        var total = 1 + encoded.Length + remaining;

        // Exactly at the limit: accepted, waits for the body (unless the body is empty: PUBLISH needs a topic).
        var seq = new ReadOnlySequence<byte>(header);
        if (remaining > 0)
        {
            Assert.False(MqttCodec.TryReadPacket(ref seq, MqttProtocolVersion.V500, total, out _));
            Assert.Equal(header.Length, seq.Length);
        }

        // One byte under the limit: refused, naming the size.
        seq = new ReadOnlySequence<byte>(header);
        var ex = Assert.Throws<MqttProtocolException>(() => MqttCodec.TryReadPacket(ref seq, MqttProtocolVersion.V500, total - 1, out _));
        Assert.Contains($"packet of {total} bytes", ex.Rule, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.PacketTooLarge, ex.ReasonCode);
    }

    // Real packets whose remaining length sits on each boundary: PUBLISH QoS 0, topic "a" (00 01 61 = 3 bytes),
    // payload = remaining - 3 bytes.
    [Theory]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    public void Publish_on_a_remaining_length_boundary_encodes_the_spec_header(int remaining, byte[] encoded)
    {
        var publish = new PublishPacket { Topic = "a", Payload = new byte[remaining - 3] };
        var bytes = MqttCodec.ToArray(publish, MqttProtocolVersion.V311);
        Assert.Equal(1 + encoded.Length + remaining, bytes.Length);
        Assert.Equal([0x30, .. encoded, 0x00, 0x01, 0x61], bytes[..(4 + encoded.Length)]);
        var decoded = Assert.IsType<PublishPacket>(MqttCodec.Decode(bytes, MqttProtocolVersion.V311));
        Assert.Equal(remaining - 3, decoded.Payload.Length);
    }

    [Fact]
    public void Empty_packets_are_two_bytes()
    {
        Assert.Equal([0xC0, 0x00], MqttCodec.ToArray(PingPacket.Request, MqttProtocolVersion.V311));
        Assert.Equal([0xD0, 0x00], MqttCodec.ToArray(PingPacket.Response, MqttProtocolVersion.V500));
        Assert.Equal([0xE0, 0x00], MqttCodec.ToArray(new DisconnectPacket(), MqttProtocolVersion.V311));
        // 5.0: reason 0x00 and no properties may be omitted (MQTT 3.14.2.1, 3.15.2.1).
        Assert.Equal([0xE0, 0x00], MqttCodec.ToArray(new DisconnectPacket(), MqttProtocolVersion.V500));
        Assert.Equal([0xF0, 0x00], MqttCodec.ToArray(new DisconnectPacket(PacketType.Auth), MqttProtocolVersion.V500));
        Assert.Same(PingPacket.Request, MqttCodec.Decode([0xC0, 0x00], MqttProtocolVersion.V311));
        Assert.Same(PingPacket.Response, MqttCodec.Decode([0xD0, 0x00], MqttProtocolVersion.V500));
    }

    // MQTT 3.1.1 figure 3.6 / 5.0 figure 3-7: protocol name 00 04 'M' 'Q' 'T' 'T', level, flags 0xCE
    // (user name 0x80 + password 0x40 + will QoS 1 0x08 + will 0x04 + clean 0x02), keep alive 00 0A; in 5.0 then the
    // properties: length 05, session expiry interval (0x11) = 00 00 00 0A.
    [Fact]
    public void Connect_variable_header_matches_the_spec_example()
    {
        ConnectPacket Connect(MqttProtocolVersion v) => new()
        {
            ProtocolVersion = v,
            ClientId = "c",
            KeepAliveSeconds = 10,
            Will = new WillMessage { Topic = "w", Qos = 1 },
            Username = "u",
            Password = [],
            Properties = new MqttProperties { SessionExpiryInterval = 10 },
        };
        byte[] payload311 = [0x00, 0x01, 0x63, /* will */ 0x00, 0x01, 0x77, 0x00, 0x00, /* user */ 0x00, 0x01, 0x75, /* password */ 0x00, 0x00];
        // 3.1.1 body: 10 header bytes + 13 payload bytes = 23 = 0x17.
        byte[] v311 = [0x10, 0x17, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0xCE, 0x00, 0x0A, .. payload311];
        Assert.Equal(v311, MqttCodec.ToArray(Connect(MqttProtocolVersion.V311), MqttProtocolVersion.V311));

        // 5.0 body: 16 header bytes + client id 3 + will properties 1 + will 5 + user 3 + password 2 = 30 = 0x1E.
        byte[] v500 =
        [
            0x10, 0x1E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0xCE, 0x00, 0x0A, 0x05, 0x11, 0x00, 0x00, 0x00, 0x0A,
            0x00, 0x01, 0x63, /* will properties */ 0x00, 0x00, 0x01, 0x77, 0x00, 0x00, 0x00, 0x01, 0x75, 0x00, 0x00,
        ];
        Assert.Equal(v500, MqttCodec.ToArray(Connect(MqttProtocolVersion.V500), MqttProtocolVersion.V500));
        var decoded = Assert.IsType<ConnectPacket>(MqttCodec.Decode(v500, MqttProtocolVersion.V500));
        Assert.Equal(10u, decoded.Properties!.SessionExpiryInterval);
        Assert.Equal(1, decoded.Will!.Qos);
        Assert.False(decoded.Will.Retain);
    }

    [Fact]
    public void V311_acks_match_hand_encoded_bytes()
    {
        var v = MqttProtocolVersion.V311;
        // CONNACK: session present 1, return code 0; and "bad user name or password" = return code 4.
        Assert.Equal([0x20, 0x02, 0x01, 0x00], MqttCodec.ToArray(new ConnAckPacket { SessionPresent = true }, v));
        Assert.Equal([0x20, 0x02, 0x00, 0x04], MqttCodec.ToArray(new ConnAckPacket { ReasonCode = ReasonCodes.BadUserNameOrPassword }, v));
        // PUBACK/PUBREC/PUBREL/PUBCOMP for packet id 10; PUBREL has fixed-header flags 0010 (MQTT 3.6.1).
        Assert.Equal([0x40, 0x02, 0x00, 0x0A], MqttCodec.ToArray(new PubAckPacket(PacketType.PubAck, 10), v));
        Assert.Equal([0x50, 0x02, 0x00, 0x0A], MqttCodec.ToArray(new PubAckPacket(PacketType.PubRec, 10), v));
        Assert.Equal([0x62, 0x02, 0x00, 0x0A], MqttCodec.ToArray(new PubAckPacket(PacketType.PubRel, 10), v));
        Assert.Equal([0x70, 0x02, 0x00, 0x0A], MqttCodec.ToArray(new PubAckPacket(PacketType.PubComp, 10), v));
        Assert.Equal([0xB0, 0x02, 0x00, 0x0A], MqttCodec.ToArray(new SubAckPacket(PacketType.UnsubAck) { PacketId = 10 }, v));
        // SUBACK id 10, granted QoS 0, 1, 2 and failure 0x80: 2 + 4 = 6 bytes.
        Assert.Equal([0x90, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x02, 0x80], MqttCodec.ToArray(new SubAckPacket { PacketId = 10, ReasonCodes = [0, 1, 2, 0x80] }, v));
    }

    // MQTT 3.1.1 3.3.2 example: topic "a/b", packet id 10 -> 00 03 61 2F 62 00 0A.
    // 3.8.3 example: "a/b" QoS 1 and "c/d" QoS 2; 3.10.3 example: the same filters unsubscribed.
    [Fact]
    public void V311_publish_subscribe_unsubscribe_match_the_spec_examples()
    {
        var v = MqttProtocolVersion.V311;
        var publish = new PublishPacket { Topic = "a/b", Qos = 1, PacketId = 10, Payload = new byte[] { 0x01 } };
        Assert.Equal([0x32, 0x08, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x01], MqttCodec.ToArray(publish, v));
        // QoS 2 + DUP + RETAIN -> flags 1101 = 0x0D.
        var dup = new PublishPacket { Topic = "a/b", Qos = 2, Dup = true, Retain = true, PacketId = 10 };
        Assert.Equal([0x3D, 0x07, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A], MqttCodec.ToArray(dup, v));

        var subscribe = new SubscribePacket { PacketId = 10, Subscriptions = [new("a/b", 1), new("c/d", 2)] };
        byte[] subscribeBytes = [0x82, 0x0E, 0x00, 0x0A, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x01, 0x00, 0x03, 0x63, 0x2F, 0x64, 0x02];
        Assert.Equal(subscribeBytes, MqttCodec.ToArray(subscribe, v));
        Assert.Equal(PacketDump.Of(subscribe), PacketDump.Of(MqttCodec.Decode(subscribeBytes, v)));

        var unsubscribe = new UnsubscribePacket { PacketId = 10, Filters = ["a/b", "c/d"] };
        Assert.Equal([0xA2, 0x0C, 0x00, 0x0A, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x03, 0x63, 0x2F, 0x64], MqttCodec.ToArray(unsubscribe, v));
    }

    [Fact]
    public void V500_short_forms_and_options_match_hand_encoded_bytes()
    {
        var v = MqttProtocolVersion.V500;
        // Ack with success and no properties keeps the 3.1.1 shape (MQTT 3.4.2.1); a reason alone adds one byte.
        Assert.Equal([0x40, 0x02, 0x00, 0x0A], MqttCodec.ToArray(new PubAckPacket(PacketType.PubAck, 10), v));
        Assert.Equal([0x40, 0x03, 0x00, 0x0A, 0x10], MqttCodec.ToArray(new PubAckPacket(PacketType.PubAck, 10, ReasonCodes.NoMatchingSubscribers), v));
        var pubAck = Assert.IsType<PubAckPacket>(MqttCodec.Decode([0x40, 0x03, 0x00, 0x0A, 0x10], v));
        Assert.Equal(ReasonCodes.NoMatchingSubscribers, pubAck.ReasonCode);
        Assert.Null(pubAck.Properties);
        // Explicit reason 0 and property length 0 is the same PUBACK.
        Assert.Equal(PacketDump.Of(new PubAckPacket(PacketType.PubAck, 10)), PacketDump.Of(MqttCodec.Decode([0x40, 0x04, 0x00, 0x0A, 0x00, 0x00], v)));

        // DISCONNECT with will (0x04): the writer always adds property length 0; a reader must also accept the
        // property length omitted when the remaining length is 1 (MQTT 3.14.2.2.1).
        Assert.Equal([0xE0, 0x02, 0x04, 0x00], MqttCodec.ToArray(new DisconnectPacket(PacketType.Disconnect, ReasonCodes.DisconnectWithWill), v));
        Assert.Equal(ReasonCodes.DisconnectWithWill, Assert.IsType<DisconnectPacket>(MqttCodec.Decode([0xE0, 0x01, 0x04], v)).ReasonCode);
        Assert.Equal(0x18, Assert.IsType<DisconnectPacket>(MqttCodec.Decode([0xF0, 0x01, 0x18], v)).ReasonCode);

        // CONNACK 5.0: flags, reason, property length 0.
        Assert.Equal([0x20, 0x03, 0x00, 0x87, 0x00], MqttCodec.ToArray(new ConnAckPacket { ReasonCode = ReasonCodes.NotAuthorized }, v));

        // SUBSCRIBE options: QoS 1 (0x01) + No Local (0x04) + Retain As Published (0x08) + Retain Handling 2 (0x20) = 0x2D.
        // Body: id 00 0A, property length 00, filter 00 01 23, options 2D = 7 bytes.
        var subscribe = new SubscribePacket { PacketId = 10, Subscriptions = [new("#", 1, NoLocal: true, RetainAsPublished: true, RetainHandling: 2)] };
        Assert.Equal([0x82, 0x07, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x23, 0x2D], MqttCodec.ToArray(subscribe, v));

        // PUBLISH with topic alias 1 and empty topic: 00 00 (topic) 03 (prop length) 23 00 01 (alias) 'x'.
        var alias = new PublishPacket { Topic = "", Payload = new byte[] { 0x78 }, Properties = new MqttProperties { TopicAlias = 1 } };
        byte[] aliasBytes = [0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 0x78];
        Assert.Equal(aliasBytes, MqttCodec.ToArray(alias, v));
        Assert.Equal(PacketDump.Of(alias), PacketDump.Of(MqttCodec.Decode(aliasBytes, v)));

        // Subscription identifier 16,384 is a three byte variable byte integer: 0B 80 80 01.
        var sid = new PublishPacket { Topic = "a", Properties = new MqttProperties { SubscriptionIdentifiers = [16_384] } };
        Assert.Equal([0x30, 0x08, 0x00, 0x01, 0x61, 0x04, 0x0B, 0x80, 0x80, 0x01], MqttCodec.ToArray(sid, v));

        // User property ("a", "b"): 26 00 01 61 00 01 62.
        var user = new DisconnectPacket { Properties = new MqttProperties { UserProperties = [new("a", "b")] } };
        Assert.Equal([0xE0, 0x09, 0x00, 0x07, 0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62], MqttCodec.ToArray(user, v));
    }
}
