using System.Buffers;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Codec;

/// <summary>
/// Every malformed or forbidden input raises <see cref="MqttProtocolException"/> (the exact type, nothing else) whose
/// rule names what was broken; contiguous and byte-by-byte fragmented buffers must agree.
/// </summary>
public sealed class CodecMalformedTests
{
    private const MqttProtocolVersion V3 = MqttProtocolVersion.V311;
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    // --- Fixed header and framing -------------------------------------------------------------------------------

    [Theory]
    [InlineData("30")]
    [InlineData("30 80")]
    [InlineData("30 FF FF FF")]
    [InlineData("40 02 00")]
    [InlineData("30 0A 00 03 61 2F 62")]
    public void Truncated_packet_is_rejected_by_decode_and_awaited_by_the_framer(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        var ex = Assert.Throws<MqttProtocolException>(() => MqttCodec.Decode(bytes, V5));
        Assert.Contains("truncated", ex.Rule, StringComparison.Ordinal);
        var seq = Segment.Bytewise(bytes);
        Assert.False(MqttCodec.TryReadPacket(ref seq, V5, 1 << 20, out _));
    }

    [Theory]
    [InlineData("30 80 80 80 80 01", "1.5.5")]
    [InlineData("30 FF FF FF FF 7F", "1.5.5")]
    [InlineData("C0 80 80 80 80", "1.5.5")]
    [InlineData("C0 80 00", "1.5.5")]
    [InlineData("40 82 00 00 0A", "1.5.5")]
    public void Remaining_length_longer_than_4_bytes_or_not_minimal_is_rejected(string hex, string rule) => Rejects(hex, V3, rule);

    [Fact]
    public void Bytes_after_a_complete_packet_are_rejected_by_decode()
    {
        var ex = Assert.Throws<MqttProtocolException>(() => MqttCodec.Decode(H("C0 00 00"), V3));
        Assert.Contains("follow the packet", ex.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00 00", "2.1.2")]
    [InlineData("12 00", "2.1.3")] // CONNECT must be 0000
    [InlineData("21 02 00 00", "2.1.3")] // CONNACK
    [InlineData("42 02 00 01", "2.1.3")] // PUBACK
    [InlineData("60 02 00 01", "2.1.3")] // PUBREL without 0010
    [InlineData("64 02 00 01", "2.1.3")]
    [InlineData("80 06 00 01 00 01 61 00", "2.1.3")] // SUBSCRIBE without 0010
    [InlineData("83 06 00 01 00 01 61 00", "2.1.3")]
    [InlineData("92 03 00 01 00", "2.1.3")] // SUBACK
    [InlineData("A0 05 00 01 00 01 61", "2.1.3")] // UNSUBSCRIBE without 0010
    [InlineData("C1 00", "2.1.3")] // PINGREQ
    [InlineData("D8 00", "2.1.3")] // PINGRESP
    [InlineData("E2 00", "2.1.3")] // DISCONNECT
    public void Reserved_fixed_header_flags_are_rejected(string hex, string rule)
    {
        Rejects(hex, V3, rule);
        Rejects(hex, V5, rule);
    }

    [Fact]
    public void Auth_flags_are_checked_and_auth_does_not_exist_in_311()
    {
        Rejects("F1 00", V5, "2.1.3");
        Rejects("F0 00", V3, "AUTH does not exist");
    }

    [Fact]
    public void Oversize_packet_is_rejected_from_its_header_before_the_body_is_allocated()
    {
        // Header announces 268,435,455 body bytes; only the 5 header bytes have arrived. With a 1 KiB limit the
        // framer must refuse now instead of buffering (or renting) 256 MiB.
        var header = H("30 FF FF FF 7F");
        var seq = new ReadOnlySequence<byte>(header);
        _ = Assert.Throws<MqttProtocolException>(() => MqttCodec.TryReadPacket(ref seq, V5, 1024, out _)); // warm-up
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<MqttProtocolException>(() => MqttCodec.TryReadPacket(ref seq, V5, 1024, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ReasonCodes.PacketTooLarge, ex.ReasonCode);
        Assert.Contains("maximum packet size 1024", ex.Rule, StringComparison.Ordinal);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes while rejecting an oversize header");
        Assert.Equal(5, seq.Length);

        // A complete packet one byte over the limit is refused too: PUBLISH "a" + 1 byte = 1 + 1 + 4 = 6 bytes.
        Rejects("30 04 00 01 61 00", V3, "exceeds the maximum packet size 5", maxPacketSize: 5);
        Assert.IsType<PublishPacket>(MqttCodec.Decode(H("30 04 00 01 61 00"), V3, maxPacketSize: 6));
    }

    // --- PUBLISH ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("36 05 00 01 61 00 01", "3.3.1.2")] // QoS 3
    [InlineData("3F 05 00 01 61 00 01", "3.3.1.2")] // QoS 3 + DUP + RETAIN
    [InlineData("38 03 00 01 61", "3.3.1.1")] // DUP at QoS 0
    [InlineData("32 05 00 01 61 00 00", "2.2.1")] // QoS 1, packet id 0
    [InlineData("34 05 00 01 61 00 00", "2.2.1")] // QoS 2, packet id 0
    [InlineData("30 04 00 02 C3 28", "1.5.4")] // invalid UTF-8 sequence
    [InlineData("30 04 00 02 C0 AF", "1.5.4")] // overlong encoding of '/'
    [InlineData("30 05 00 03 ED A0 80", "1.5.4")] // UTF-16 surrogate encoded in UTF-8
    [InlineData("30 05 00 03 61 00 62", "U+0000")] // null character
    [InlineData("30 05 00 03 61 2F 2B", "4.7.1")] // "a/+"
    [InlineData("30 05 00 03 61 2F 23", "4.7.1")] // "a/#"
    [InlineData("30 03 00 01 23", "4.7.1")] // "#"
    [InlineData("30 02 00 00", "4.7.3")] // empty topic, no alias possible in 3.1.1
    [InlineData("30 04 00 05 61 61", "remaining length too short")] // topic longer than the packet
    public void Invalid_311_publish_is_rejected(string hex, string rule) => Rejects(hex, V3, rule);

    [Theory]
    [InlineData("00 00 00", "4.7.3")] // empty topic without a topic alias
    [InlineData("00 01 61 03 23 00 00", "3.3.2.3.4")] // topic alias 0
    [InlineData("00 01 61 06 23 00 01 23 00 02", "2.2.2.2")] // topic alias twice
    [InlineData("00 01 61 04 01 00 01 00", "2.2.2.2")] // payload format indicator twice
    [InlineData("00 01 61 02 05 00", "unknown property identifier 0x05")]
    [InlineData("00 01 61 03 14 00 00", "unknown property identifier 0x14")]
    [InlineData("00 01 61 06 11 00 00 00 0A 00", "not allowed in Publish")] // session expiry in PUBLISH
    [InlineData("00 01 61 03 21 00 0A", "not allowed in Publish")] // receive maximum in PUBLISH
    [InlineData("00 01 61 09 01 01", "property length is longer than the packet")]
    [InlineData("00 01 61 01 02 00 00 00 00 FF", "overruns")] // message expiry (4 bytes) declared in 1
    [InlineData("00 01 61 02 01 02", "0 or 1")] // payload format indicator 2
    [InlineData("00 01 61 02 0B 00", "subscription identifier 0")]
    [InlineData("00 01 61 03 0B 81 00", "1.5.5")] // subscription identifier 1 in two bytes
    [InlineData("00 01 61 81 00 FF", "1.5.5")] // property length 1 in two bytes
    [InlineData("00 01 61 02 01 01 FF", "3.3.2.3.2")] // payload marked UTF-8 but 0xFF
    public void Invalid_500_publish_is_rejected(string body, string rule) => Rejects(Framed("30", body), V5, rule);

    [Fact]
    public void Publish_errors_carry_the_50_reason_code_to_send()
    {
        Assert.Equal(ReasonCodes.TopicNameInvalid, Rejects(Framed("30", "00 03 61 2F 2B 00"), V5, "4.7.1").ReasonCode);
        Assert.Equal(ReasonCodes.TopicAliasInvalid, Rejects(Framed("30", "00 01 61 03 23 00 00"), V5, "3.3.2.3.4").ReasonCode);
        Assert.Equal(ReasonCodes.PayloadFormatInvalid, Rejects(Framed("30", "00 01 61 02 01 01 FF"), V5, "3.3.2.3.2").ReasonCode);
        Assert.Equal(ReasonCodes.ProtocolError, Rejects(Framed("30", "00 01 61 06 23 00 01 23 00 02"), V5, "appears twice").ReasonCode);
        Assert.Equal(ReasonCodes.MalformedPacket, Rejects(Framed("30", "00 01 61 02 05 00"), V5, "unknown property").ReasonCode);
        Assert.Equal(ReasonCodes.MalformedPacket, Rejects("30 04 00 02 C3 28", V5, "1.5.4").ReasonCode);
    }

    // --- CONNECT ------------------------------------------------------------------------------------------------

    // 3.1.1 CONNECT: 00 04 'MQTT' 04 <flags> 00 3C, then client id 00 01 'c' and whatever the flags announce.
    private static string Connect311(string flags, string payload = "") => Framed("10", $"00 04 4D 51 54 54 04 {flags} 00 3C 00 01 63 {payload}");

    private static string Connect500(string properties, string flags = "02", string payload = "") =>
        Framed("10", $"00 04 4D 51 54 54 05 {flags} 00 3C {properties} 00 01 63 {payload}");

    [Fact]
    public void Connect_flags_are_checked()
    {
        Rejects(Connect311("03"), V3, "3.1.2.3"); // reserved bit 0
        Rejects(Connect311("1E", "00 01 77 00 00"), V3, "3.1.2.6"); // will QoS 3
        Rejects(Connect311("22"), V3, "3.1.2.6"); // will retain without will flag
        Rejects(Connect311("0A"), V3, "3.1.2.6"); // will QoS 1 without will flag
        Rejects(Connect311("42", "00 01 70"), V3, "3.1.2.9"); // 3.1.1 password without user name
        Rejects(Connect311("06", "00 01 2B 00 00"), V3, "4.7.1"); // will topic "+"
        Rejects(Connect311("06", "00 00 00 00"), V3, "4.7.3"); // empty will topic
        Rejects(Connect311("86", "00 01 77 00 00"), V3, "remaining length too short"); // user name announced, missing
        Rejects(Connect311("02", "FF"), V3, "unexpected bytes");
        Rejects(Connect500("00", "03"), V5, "3.1.2.3");
        // Sanity: the same template with valid flags decodes.
        Assert.IsType<ConnectPacket>(MqttCodec.Decode(H(Connect311("C2", "00 01 75 00 01 70")), V3));
        Assert.IsType<ConnectPacket>(MqttCodec.Decode(H(Connect500("00", "42", "00 01 70")), V5));
    }

    [Theory]
    [InlineData("00 06 4D 51 49 73 64 70 03")] // "MQIsdp" level 3 (MQTT 3.1)
    [InlineData("00 04 4D 51 54 58 04")] // "MQTX"
    [InlineData("00 04 6D 71 74 74 04")] // "mqtt": the name is case sensitive
    [InlineData("00 04 4D 51 54 54 06")] // level 6
    [InlineData("00 04 4D 51 54 54 03")] // level 3 under the 3.1.1 name
    public void Wrong_protocol_name_or_level_is_unsupported_protocol_version(string header)
    {
        var hex = Framed("10", $"{header} 02 00 3C 00 01 63");
        foreach (var v in new[] { V3, V5 })
        {
            var ex = Rejects(hex, v, "3.1.2.1, 3.1.2.2");
            Assert.Equal(ReasonCodes.UnsupportedProtocolVersion, ex.ReasonCode);
        }
    }

    [Theory]
    [InlineData("0A 11 00 00 00 01 11 00 00 00 02", "appears twice")] // session expiry twice
    [InlineData("06 21 00 01 21 00 02", "appears twice")] // receive maximum twice
    [InlineData("03 21 00 00", "3.1.2.11.3")] // receive maximum 0
    [InlineData("05 27 00 00 00 00", "3.1.2.11.4")] // maximum packet size 0
    [InlineData("03 23 00 01", "not allowed in Connect")] // topic alias
    [InlineData("02 17 02", "0 or 1")] // request problem information 2
    [InlineData("02 3F 00", "unknown property identifier 0x3F")]
    public void Invalid_500_connect_properties_are_rejected(string properties, string rule) => Rejects(Connect500(properties), V5, rule);

    [Fact]
    public void Will_properties_are_checked_in_their_own_context()
    {
        // Will flag + QoS 0: will properties 03 23 00 01 (topic alias: not a will property), topic "w", payload empty.
        Rejects(Connect500("00", "06", "03 23 00 01 00 01 77 00 00"), V5, "not allowed in Will");
        // Will delay interval twice.
        Rejects(Connect500("00", "06", "0A 18 00 00 00 01 18 00 00 00 02 00 01 77 00 00"), V5, "appears twice");
        // Will delay interval in the CONNECT properties instead of the will properties.
        Rejects(Connect500("05 18 00 00 00 01"), V5, "not allowed in Connect");
    }

    // --- Acknowledgements -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("20 02 02 00", V3, "3.2.2.1")] // CONNACK reserved acknowledge flag bits
    [InlineData("20 02 00 06", V3, "not defined in MQTT 3.1.1")]
    [InlineData("20 03 00 00 00", V3, "unexpected bytes")]
    [InlineData("20 03 80 00 00", V5, "3.2.2.1")]
    [InlineData("20 05 00 00 02 24 02", V5, "0 or 1")] // maximum QoS 2
    [InlineData("20 05 00 00 02 01 00", V5, "not allowed in ConnAck")] // payload format indicator
    [InlineData("40 02 00 00", V3, "2.2.1")] // PUBACK id 0
    [InlineData("50 02 00 00", V5, "2.2.1")] // PUBREC id 0
    [InlineData("62 02 00 00", V3, "2.2.1")] // PUBREL id 0
    [InlineData("70 02 00 00", V5, "2.2.1")] // PUBCOMP id 0
    [InlineData("40 03 00 01 00", V3, "unexpected bytes")] // 3.1.1 PUBACK carries no reason code
    [InlineData("40 06 00 01 10 02 23 00", V5, "not allowed in Ack")]
    [InlineData("40 08 00 01 10 03 1F 00 01 61", V5, "overruns")] // reason string "a" is 4 bytes, property length says 3
    [InlineData("90 03 00 00 00", V3, "2.2.1")] // SUBACK id 0
    [InlineData("B0 02 00 00", V3, "2.2.1")] // UNSUBACK id 0
    [InlineData("90 03 00 01 03", V3, "not allowed in MQTT 3.1.1")] // SUBACK return code 3
    [InlineData("90 02 00 01", V3, "no reason codes")]
    [InlineData("B0 03 00 01 00", V3, "unexpected bytes")] // 3.1.1 UNSUBACK has no payload
    [InlineData("B0 03 00 01 00", V5, "no reason codes")]
    [InlineData("90 05 00 01 02 11 00", V5, "not allowed in SubAck")]
    public void Invalid_acknowledgement_is_rejected(string hex, MqttProtocolVersion v, string rule) => Rejects(hex, v, rule);

    // --- SUBSCRIBE / UNSUBSCRIBE --------------------------------------------------------------------------------

    [Theory]
    [InlineData("82 06 00 00 00 01 61 00", V3, "2.2.1")]
    [InlineData("82 02 00 01", V3, "3.8.3")] // no topic filter
    [InlineData("82 06 00 01 00 01 61 03", V3, "3.8.3.1")] // QoS 3
    [InlineData("82 06 00 01 00 01 61 04", V3, "3.8.3.1")] // 5.0 option bits under 3.1.1
    [InlineData("82 07 00 01 00 00 01 61 40", V5, "3.8.3.1")] // reserved bit 6
    [InlineData("82 07 00 01 00 00 01 61 30", V5, "3.8.3.1")] // retain handling 3
    [InlineData("82 07 00 01 00 00 01 61 03", V5, "3.8.3.1")] // QoS 3
    [InlineData("82 03 00 01 00", V5, "3.8.3")] // no topic filter
    [InlineData("82 0B 00 01 04 0B 01 0B 02 00 01 61 00", V5, "3.8.2.1.2")] // two subscription identifiers
    [InlineData("82 09 00 01 02 0B 00 00 01 61 00", V5, "subscription identifier 0")]
    [InlineData("82 0B 00 01 04 1F 00 01 61 00 01 61 00", V5, "not allowed in Subscribe")] // reason string
    [InlineData("82 06 00 01 00 05 61 00", V3, "remaining length too short")] // filter length runs past options
    [InlineData("A2 05 00 00 00 01 61", V3, "2.2.1")]
    [InlineData("A2 02 00 01", V3, "3.10.3")]
    [InlineData("A2 03 00 01 00", V5, "3.10.3")]
    [InlineData("A2 06 00 01 00 00 01 FF", V5, "1.5.4")]
    [InlineData("A2 08 00 01 02 0B 01 00 01 61", V5, "not allowed in Unsubscribe")]
    public void Invalid_subscribe_or_unsubscribe_is_rejected(string hex, MqttProtocolVersion v, string rule) => Rejects(hex, v, rule);

    // --- PING, DISCONNECT, AUTH ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("C0 01 00", V3, "unexpected bytes")]
    [InlineData("D0 01 00", V5, "unexpected bytes")]
    [InlineData("E0 01 00", V3, "unexpected bytes")]
    [InlineData("E0 05 00 03 1F 00 05", V5, "remaining length too short")]
    [InlineData("E0 05 00 03 23 00 01", V5, "not allowed in Disconnect")]
    [InlineData("E0 08 00 06 1C 00 01 61 1C 00", V5, "remaining length too short")]
    [InlineData("E0 0A 00 08 1C 00 01 61 1C 00 01 62", V5, "appears twice")] // server reference twice
    [InlineData("F0 05 18 03 11 00 00", V5, "not allowed in Auth")]
    [InlineData("F0 03 18 00 00", V5, "unexpected bytes")]
    public void Invalid_ping_disconnect_or_auth_is_rejected(string hex, MqttProtocolVersion v, string rule) => Rejects(hex, v, rule);

    private static MqttProtocolException Rejects(string hex, MqttProtocolVersion v, string rule, int maxPacketSize = MqttCodec.MaxRemainingLength)
    {
        var bytes = H(hex);
        var contiguous = Assert.Throws<MqttProtocolException>(() => MqttCodec.Decode(bytes, v, maxPacketSize));
        Assert.Contains(rule, contiguous.Rule, StringComparison.Ordinal);
        var fragmented = Assert.Throws<MqttProtocolException>(() =>
        {
            var seq = Segment.Bytewise(bytes);
            MqttCodec.TryReadPacket(ref seq, v, maxPacketSize, out _);
        });
        Assert.Equal(contiguous.Rule, fragmented.Rule);
        Assert.Equal(contiguous.ReasonCode, fragmented.ReasonCode);
        return contiguous;
    }

    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Prefixes a hex body with its fixed header byte and (one-byte) remaining length.</summary>
    private static string Framed(string first, string body)
    {
        var length = H(body).Length;
        Assert.True(length < 128);
        return $"{first} {length:X2} {body}";
    }
}
