using System.Buffers;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Codec;

public sealed class CodecAllocationTests
{
    // Telemetry-sized PUBLISH of exactly 185 bytes under 5.0, worked out by hand:
    //   topic  "sp/3550308/luminaire/lum-0001/telemetry" = 39 chars -> 2 + 39 = 41
    //   packet id (QoS 1)                                             ->      2
    //   properties: message expiry 1 + 4 = 5, user property ("unit","W") 1 + (2 + 4) + (2 + 1) = 10,
    //               content 15 + its one-byte length                 ->     16
    //   payload                                                        ->    123
    //   body = 41 + 2 + 16 + 123 = 182 (>= 128, so a 2-byte remaining length); total = 1 + 2 + 182 = 185.
    private static PublishPacket Telemetry() => new()
    {
        Topic = Samples.Topic,
        Qos = 1,
        PacketId = 42,
        Payload = new byte[123],
        Properties = new MqttProperties { MessageExpiryInterval = 60, UserProperties = [new("unit", "W")] },
    };

    [Fact]
    public void Encoding_a_185_byte_publish_into_a_reused_buffer_writer_allocates_nothing()
    {
        var packet = Telemetry();
        var writer = new ArrayBufferWriter<byte>(4096);
        Assert.Equal(185, MqttCodec.GetSize(packet, MqttProtocolVersion.V500));
        for (var i = 0; i < 1_000; i++) // warm-up: tiered JIT, static initialisation
        {
            writer.ResetWrittenCount();
            MqttCodec.Write(writer, packet, MqttProtocolVersion.V500);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var written = 0;
        for (var i = 0; i < 10_000; i++)
        {
            writer.ResetWrittenCount();
            written += MqttCodec.Write(writer, packet, MqttProtocolVersion.V500);
            written += MqttCodec.GetSize(packet, MqttProtocolVersion.V500) - 185;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(185 * 10_000, written);
        Assert.Equal(0, allocated);
        // And the bytes written are the packet: PUBLISH QoS 1 (0x32), remaining length 182 = B6 01.
        Assert.Equal([0x32, 0xB6, 0x01, 0x00, 0x27], writer.WrittenSpan[..5].ToArray());
        Assert.Equal(PacketDump.Of(packet), PacketDump.Of(MqttCodec.Decode(writer.WrittenSpan, MqttProtocolVersion.V500)));
    }

    [Fact]
    public void Decoding_a_contiguous_publish_allocates_only_the_packet_it_returns()
    {
        // Not zero (the packet, its topic string and payload copy are the result), but bounded: no per-byte
        // buffering and no pooled-array rental for a single-segment buffer.
        var bytes = MqttCodec.ToArray(Telemetry(), MqttProtocolVersion.V500);
        var sequence = new ReadOnlySequence<byte>(bytes);
        for (var i = 0; i < 1_000; i++)
        {
            var s = sequence;
            MqttCodec.TryReadPacket(ref s, MqttProtocolVersion.V500, 4096, out _);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        const int reads = 1_000;
        for (var i = 0; i < reads; i++)
        {
            var s = sequence;
            Assert.True(MqttCodec.TryReadPacket(ref s, MqttProtocolVersion.V500, 4096, out _));
        }
        var perRead = (GC.GetAllocatedBytesForCurrentThread() - before) / reads;
        Assert.True(perRead < 1024, $"{perRead} bytes allocated per 185-byte PUBLISH decode");
    }
}
