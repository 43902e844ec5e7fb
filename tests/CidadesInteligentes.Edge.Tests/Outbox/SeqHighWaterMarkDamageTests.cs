using System.Collections.Concurrent;
using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// A damaged or missing seq.hwm must never let a seq be used twice (the cloud would drop the new message as a
/// duplicate): the ceilings come from an intact copy when one is left, otherwise numbering skips far ahead, with a warning.
/// </summary>
public sealed class SeqHighWaterMarkDamageTests : OutboxCardTests
{
    public SeqHighWaterMarkDamageTests()
        : base("hwm")
    {
    }


    private string Hwm => Path.Combine(Dir, "seq.hwm");

    private int Warnings(string text) => Lines(LogLevel.Warning, text);

    /// <summary>
    /// Hands out telemetry 1-25 and event 1-5, all acked, then opens once more so the acked segment is deleted: only
    /// seq.hwm still knows the ceilings (telemetry 30, event 10). Returns the highest seq handed out on each stream.
    /// </summary>
    private (long Telemetry, long Event) EverythingAckedAndDeleted()
    {
        long telemetry = 0, ev = 0;
        using (var outbox = Open())
        {
            for (var i = 0; i < 25; i++)
            {
                telemetry = Put(outbox, "telemetry").Seq;
                if (i % 5 == 0)
                {
                    ev = Put(outbox, "event").Seq;
                }
            }
            foreach (var message in outbox.Peek(100))
            {
                Assert.True(outbox.Ack(message.Id));
            }
        }
        using (var outbox = Open())
        {
            Assert.Equal(0, outbox.PendingCount);
        }
        Assert.DoesNotContain(Directory.GetFiles(Dir, "seg-*.log"), f => new FileInfo(f).Length > 0);
        return (telemetry, ev);
    }

    public static TheoryData<string> Damages() => ["zeroed", "truncated", "random", "deleted", "empty"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_high_water_mark_never_lets_a_seq_be_used_again(string damage)
    {
        var (telemetry, ev) = EverythingAckedAndDeleted();
        var bytes = File.ReadAllBytes(Hwm);
        switch (damage)
        {
            case "zeroed":
                File.WriteAllBytes(Hwm, new byte[bytes.Length]);
                break;
            case "truncated":
                File.WriteAllBytes(Hwm, bytes[..5]);
                break;
            case "random":
                var noise = new byte[bytes.Length];
                new Random(7).NextBytes(noise);
                File.WriteAllBytes(Hwm, noise);
                break;
            case "deleted":
                File.Delete(Hwm);
                break;
            case "empty":
                File.WriteAllBytes(Hwm, []);
                break;
        }

        long next;
        using (var outbox = Open())
        {
            next = Put(outbox, "telemetry").Seq;
            Assert.True(next > telemetry, $"telemetry seq {next} after the damage, {telemetry} was handed out before");
            var nextEvent = Put(outbox, "event").Seq; // a stream no file on the card still names
            Assert.True(nextEvent > ev, $"event seq {nextEvent} after the damage, {ev} was handed out before");
            Assert.True(Put(outbox, "ack").Seq > 0);
        }
        Assert.Equal(1, Warnings("seq high-water mark"));
        using (var outbox = Open())
        {
            Assert.True(Put(outbox, "telemetry").Seq > next); // the skip was written down: no second warning, no reuse
        }
        Assert.Equal(1, Warnings("seq high-water mark"));
    }

    [Fact]
    public void One_damaged_copy_of_the_high_water_mark_is_recovered_from_the_other_without_a_skip()
    {
        EverythingAckedAndDeleted();
        var bytes = File.ReadAllBytes(Hwm);
        Array.Clear(bytes, 0, bytes.Length / 2); // the first of its two copies zeroed
        File.WriteAllBytes(Hwm, bytes);

        using (var outbox = Open())
        {
            Assert.Equal(31, Put(outbox, "telemetry").Seq); // the reserved ceiling was 30
            Assert.Equal(11, Put(outbox, "event").Seq);
        }
        Assert.Equal(0, Warnings("seq high-water mark"));
        Assert.Equal(1, Warnings("seq.hwm"));
    }
}
