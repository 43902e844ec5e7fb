using System.Buffers;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Codec;

public sealed class CodecRoundTripTests
{
    private const int MaxPacketSize = 1 << 20;

    public static IEnumerable<object[]> V311Names => Samples.Names(MqttProtocolVersion.V311);

    public static IEnumerable<object[]> V500Names => Samples.Names(MqttProtocolVersion.V500);

    [Theory]
    [MemberData(nameof(V311Names))]
    public void V311_packet_round_trips_contiguous_and_fragmented(string name) => RoundTrip(MqttProtocolVersion.V311, name);

    [Theory]
    [MemberData(nameof(V500Names))]
    public void V500_packet_round_trips_contiguous_and_fragmented(string name) => RoundTrip(MqttProtocolVersion.V500, name);

    [Fact]
    public void Every_packet_type_has_a_sample_under_each_version()
    {
        var v311 = Samples.For(MqttProtocolVersion.V311).Select(s => s.Packet.Type).ToHashSet();
        var v500 = Samples.For(MqttProtocolVersion.V500).Select(s => s.Packet.Type).ToHashSet();
        var all = Enum.GetValues<PacketType>();
        Assert.Equal(all.Where(t => t != PacketType.Auth).Order(), v311.Order());
        Assert.Equal(all.Order(), v500.Order());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Back_to_back_packets_in_one_fragmented_buffer_decode_in_order(MqttProtocolVersion v)
    {
        var samples = Samples.For(v);
        var stream = samples.SelectMany(s => MqttCodec.ToArray(s.Packet, v)).ToArray();
        // Odd 7-byte chunks so packet boundaries land everywhere inside segments.
        var buffer = Segment.Of([.. stream.Chunk(7)]);
        foreach (var (name, expected) in samples)
        {
            Assert.True(MqttCodec.TryReadPacket(ref buffer, v, MaxPacketSize, out var packet), name);
            Assert.Equal(PacketDump.Of(expected), PacketDump.Of(packet));
        }
        Assert.Equal(0, buffer.Length);
        Assert.False(MqttCodec.TryReadPacket(ref buffer, v, MaxPacketSize, out _));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Connect_is_decoded_by_its_own_protocol_level_whatever_the_connection_version(MqttProtocolVersion connectionVersion)
    {
        foreach (var level in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            var connect = (ConnectPacket)Samples.Get(level, "connect-full");
            var decoded = Assert.IsType<ConnectPacket>(MqttCodec.Decode(MqttCodec.ToArray(connect, level), connectionVersion));
            Assert.Equal(level, decoded.ProtocolVersion);
            Assert.Equal(PacketDump.Of(connect), PacketDump.Of(decoded));
        }
    }

    [Fact]
    public void V500_publish_keeps_every_subscription_identifier_and_user_property_in_order()
    {
        var p = Assert.IsType<PublishPacket>(MqttCodec.Decode(MqttCodec.ToArray(Samples.Get(MqttProtocolVersion.V500, "publish-qos1-properties"), MqttProtocolVersion.V500), MqttProtocolVersion.V500));
        Assert.Equal([1, 127, 128, 16_384, 268_435_455], p.Properties!.SubscriptionIdentifiers!);
        Assert.Equal([new("seq", "17"), new("unit", "W")], p.Properties.UserProperties!);
        Assert.Equal((ushort)3, p.Properties.TopicAlias);
        Assert.Equal(Samples.Topic, p.Topic);
    }

    [Fact]
    public void V311_encoding_drops_what_311_cannot_carry()
    {
        // 3.1.1 has no properties and no ack reason codes: a 5.0-shaped PUBACK is still the 4-byte 3.1.1 PUBACK.
        var puback = Samples.Get(MqttProtocolVersion.V500, "puback-reason-properties");
        Assert.Equal([0x40, 0x02, 0x00, 0x0A], MqttCodec.ToArray(puback, MqttProtocolVersion.V311));
        // DISCONNECT with a reason under 3.1.1 is E0 00.
        Assert.Equal([0xE0, 0x00], MqttCodec.ToArray(Samples.Get(MqttProtocolVersion.V500, "disconnect-properties"), MqttProtocolVersion.V311));
        // A 5.0 SUBACK failure code (0x87) becomes the only 3.1.1 failure code 0x80.
        var suback = new SubAckPacket { PacketId = 1, ReasonCodes = [0x87, 1] };
        Assert.Equal([0x90, 0x04, 0x00, 0x01, 0x80, 0x01], MqttCodec.ToArray(suback, MqttProtocolVersion.V311));
    }

    [Fact]
    public void Encoder_refuses_qos_values_that_would_corrupt_other_flag_bits()
    {
        // QoS 4 << 1 = 0x08 is the DUP bit; will QoS 3 << 3 = 0x18 overlaps nothing but is forbidden, 4 << 3 = 0x20 is will retain.
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttCodec.ToArray(new PublishPacket { Topic = "a", Qos = 4, PacketId = 1 }, MqttProtocolVersion.V311));
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttCodec.ToArray(new PublishPacket { Topic = "a", Qos = 3, PacketId = 1 }, MqttProtocolVersion.V500));
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttCodec.GetSize(new ConnectPacket { Will = new WillMessage { Topic = "w", Qos = 4 } }, MqttProtocolVersion.V500));
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttCodec.ToArray(new SubscribePacket { PacketId = 1, Subscriptions = [new("a", 3)] }, MqttProtocolVersion.V311));
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttCodec.ToArray(new SubscribePacket { PacketId = 1, Subscriptions = [new("a", 1, RetainHandling: 3)] }, MqttProtocolVersion.V500));
    }

    [Fact]
    public void Byte_order_mark_in_a_string_is_kept_not_stripped()
    {
        // MQTT 1.5.4: EF BB BF (U+FEFF) must not be skipped or stripped by a receiver.
        var publish = new PublishPacket { Topic = "\uFEFFsp/a" };
        var bytes = MqttCodec.ToArray(publish, MqttProtocolVersion.V311);
        Assert.Equal([0x30, 0x09, 0x00, 0x07, 0xEF, 0xBB, 0xBF, 0x73, 0x70, 0x2F, 0x61], bytes);
        Assert.Equal("\uFEFFsp/a", Assert.IsType<PublishPacket>(MqttCodec.Decode(bytes, MqttProtocolVersion.V311)).Topic);
    }

    private static void RoundTrip(MqttProtocolVersion v, string name)
    {
        var packet = Samples.Get(v, name);
        var expected = PacketDump.Of(packet);
        var bytes = MqttCodec.ToArray(packet, v);
        Assert.Equal(bytes.Length, MqttCodec.GetSize(packet, v));

        // Contiguous: Decode and TryReadPacket over a single segment.
        var decoded = MqttCodec.Decode(bytes, v);
        Assert.Equal(expected, PacketDump.Of(decoded));
        Assert.Equal(bytes, MqttCodec.ToArray(decoded, v));
        AssertReads(new ReadOnlySequence<byte>(bytes), v, expected);

        // Fragmented: two segments split at every byte boundary, then one segment per byte.
        for (var at = 0; at <= bytes.Length; at++)
        {
            AssertReads(Segment.SplitAt(bytes, at), v, expected);
        }
        AssertReads(Segment.Bytewise(bytes), v, expected);

        // Every proper prefix is "need more bytes", never an error, and leaves the buffer untouched.
        for (var n = 0; n < bytes.Length; n++)
        {
            var prefix = Segment.Bytewise(bytes[..n]);
            Assert.False(MqttCodec.TryReadPacket(ref prefix, v, MaxPacketSize, out var none), $"prefix of {n} bytes");
            Assert.Null(none);
            Assert.Equal(n, prefix.Length);
        }
    }

    private static void AssertReads(ReadOnlySequence<byte> buffer, MqttProtocolVersion v, string expected)
    {
        var total = buffer.Length;
        Assert.True(MqttCodec.TryReadPacket(ref buffer, v, MaxPacketSize, out var packet), $"{total}-byte buffer did not decode");
        Assert.Equal(expected, PacketDump.Of(packet));
        Assert.Equal(0, buffer.Length);
    }
}
