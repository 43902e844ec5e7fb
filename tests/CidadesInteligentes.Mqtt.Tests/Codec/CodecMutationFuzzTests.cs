using System.Buffers;
using System.Text.RegularExpressions;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;
using Xunit.Abstractions;

namespace CidadesInteligentes.Mqtt.Tests.Codec;

/// <summary>
/// Seeded mutation fuzzing: valid encodings of every sample packet are bit-flipped, truncated, extended, spliced and
/// given corrupt length fields. The decoder may accept or reject each input but must only ever throw
/// <see cref="MqttProtocolException"/>, must finish, and whatever it accepts must encode and decode back unchanged.
/// </summary>
public sealed class CodecMutationFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 100_000;
    private const int MaxPacketSize = 64 * 1024;
    // a hang detector, not a speed target: 100,000 inputs take a few seconds alone, but over 20 s on 2 shared cores
    // while other test assemblies build and run
    private static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 311)]
    [InlineData(MqttProtocolVersion.V500, 500)]
    public async Task Mutated_packets_only_ever_raise_MqttProtocolException(MqttProtocolVersion v, int seed)
    {
        var outcome = await Task.Run(() => Fuzz(v, seed)).WaitAsync(HangTimeout);
        output.WriteLine($"{v}: {outcome}");

        Assert.Equal(Inputs, outcome.Accepted + outcome.Rejected + outcome.Incomplete);
        // The mutations must exercise both sides of the decoder, not only the framing.
        Assert.True(outcome.Accepted > Inputs / 20, $"only {outcome.Accepted} inputs decoded");
        Assert.True(outcome.Rejected > Inputs / 4, $"only {outcome.Rejected} inputs rejected");
        Assert.True(outcome.RuleCount > 60, $"only {outcome.RuleCount} distinct rules hit: {outcome.Rules}");
    }

    private sealed record Outcome(int Accepted, int Rejected, int Incomplete, int RuleCount, string Rules);

    private static Outcome Fuzz(MqttProtocolVersion v, int seed)
    {
        // Mostly this version's packets, plus the other version's: a peer speaking the wrong version is input too.
        var other = v == MqttProtocolVersion.V311 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311;
        var seeds = Samples.For(v).Select(s => MqttCodec.ToArray(s.Packet, v))
            .Concat(Samples.For(v).Select(s => MqttCodec.ToArray(s.Packet, v)))
            .Concat(Samples.For(other).Select(s => MqttCodec.ToArray(s.Packet, other)))
            .ToArray();
        var rng = new Random(seed);
        var accepted = 0;
        var rejected = 0;
        var incomplete = 0;
        var rules = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Inputs; i++)
        {
            var input = Mutate(rng, seeds);
            var buffer = rng.Next(2) == 0 || input.Length < 2
                ? new ReadOnlySequence<byte>(input)
                : Segment.SplitAt(input, rng.Next(1, input.Length));
            try
            {
                // Read packets until the framer wants more bytes; each read consumes at least 2 bytes.
                var any = false;
                while (MqttCodec.TryReadPacket(ref buffer, v, MaxPacketSize, out var packet))
                {
                    any = true;
                    AssertReencodes(packet!, v, input);
                }
                if (any)
                {
                    accepted++;
                }
                else
                {
                    incomplete++;
                }
            }
            catch (MqttProtocolException ex)
            {
                rejected++;
                rules.Add(Regex.Replace(ex.Rule, @"'[^']*'|0x[0-9A-F]+|\d+", "_"));
            }
            catch (Exception ex)
            {
                Assert.Fail($"input #{i} (seed {seed}) {Convert.ToHexString(input)} threw {ex}");
            }
        }
        return new Outcome(accepted, rejected, incomplete, rules.Count, string.Join(" | ", rules.Order(StringComparer.Ordinal)));
    }

    private static void AssertReencodes(MqttPacket packet, MqttProtocolVersion v, byte[] input)
    {
        var dump = PacketDump.Of(packet);
        var again = MqttCodec.Decode(MqttCodec.ToArray(packet, v), v);
        Assert.True(dump == PacketDump.Of(again), $"{Convert.ToHexString(input)} decoded to {dump} but re-encoding gave {PacketDump.Of(again)}");
    }

    private static byte[] Mutate(Random rng, byte[][] seeds)
    {
        var bytes = new List<byte>(seeds[rng.Next(seeds.Length)]);
        var operations = rng.Next(1, 4);
        var reframe = rng.Next(3) != 0; // usually keep the length field consistent so the body parsers get exercised
        for (var op = 0; op < operations; op++)
        {
            switch (rng.Next(8))
            {
                case 0: // bit flip
                case 1:
                    if (bytes.Count > 0)
                    {
                        var at = rng.Next(bytes.Count);
                        bytes[at] ^= (byte)(1 << rng.Next(8));
                    }
                    break;
                case 2: // random byte
                    if (bytes.Count > 0)
                    {
                        bytes[rng.Next(bytes.Count)] = (byte)rng.Next(256);
                    }
                    break;
                case 3: // truncation
                    var cut = rng.Next(bytes.Count + 1);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 4: // insertion of 1-8 random bytes
                    var insert = new byte[rng.Next(1, 9)];
                    rng.NextBytes(insert);
                    bytes.InsertRange(rng.Next(bytes.Count + 1), insert);
                    break;
                case 5: // deletion of a short range
                    if (bytes.Count > 0)
                    {
                        var start = rng.Next(bytes.Count);
                        bytes.RemoveRange(start, Math.Min(bytes.Count - start, rng.Next(1, 5)));
                    }
                    break;
                case 6: // length field corruption: overwrite the remaining length (or a string/property length) bytes
                    reframe = false;
                    for (var k = 1; k < Math.Min(bytes.Count, 1 + rng.Next(1, 6)); k++)
                    {
                        bytes[k] = (byte)(rng.Next(2) == 0 ? rng.Next(256) : 0x80 | rng.Next(128));
                    }
                    break;
                default: // splice: another packet appended, or the first byte of another packet type
                    var other = seeds[rng.Next(seeds.Length)];
                    if (rng.Next(2) == 0)
                    {
                        bytes.AddRange(other);
                        reframe = false;
                    }
                    else if (bytes.Count > 0)
                    {
                        bytes[0] = other[0];
                    }
                    break;
            }
        }
        return reframe && bytes.Count > 0 ? Reframe([.. bytes]) : [.. bytes];
    }

    /// <summary>Rewrites the remaining length to match the (mutated) body that follows the original header.</summary>
    private static byte[] Reframe(byte[] bytes)
    {
        var headerLength = 1;
        while (headerLength < bytes.Length && headerLength < 5 && (bytes[headerLength] & 0x80) != 0)
        {
            headerLength++;
        }
        headerLength = Math.Min(headerLength + 1, bytes.Length);
        var body = bytes.AsSpan(headerLength);
        var output = new byte[1 + SpanWriter.VarIntSize(body.Length) + body.Length];
        var w = new SpanWriter(output);
        w.Byte(bytes[0]);
        w.VarInt(body.Length);
        w.Raw(body);
        return output;
    }
}
