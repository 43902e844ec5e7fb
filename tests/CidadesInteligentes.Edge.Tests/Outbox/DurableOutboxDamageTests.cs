using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// Bytes an SD card corrupted in the middle of a segment cost only the records they hit: recovery finds the next
/// intact record and goes on, and says so. A torn tail (a crash mid-write) stays the quiet, normal case.
/// </summary>
public sealed class DurableOutboxDamageTests : OutboxCardTests
{
    public DurableOutboxDamageTests()
        : base("damage")
    {
    }


    protected override byte[] Payload(long seq) => Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"powerW\":59.8}}");

    private static long Seq(OutboxMessage message) => message.Seq;

    /// <summary>Queues five messages and returns the segment and where each record starts in it.</summary>
    private (string Segment, long[] Starts) FiveOnTheCard()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                Put(outbox);
            }
        }
        var segment = Directory.GetFiles(Dir, "seg-*.log").Single(f => new FileInfo(f).Length > 0);
        var bytes = File.ReadAllBytes(segment);
        var starts = new List<long>();
        for (var offset = 0; offset < bytes.Length; offset += 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)))
        {
            starts.Add(offset);
        }
        Assert.Equal(5, starts.Count);
        return (segment, [.. starts]);
    }

    private static void Corrupt(string path, long offset, params byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write(bytes);
    }

    [Fact]
    public void A_damaged_record_in_the_middle_costs_only_itself_and_is_reported()
    {
        var (segment, starts) = FiveOnTheCard();
        var length = new FileInfo(segment).Length;
        Corrupt(segment, starts[2] + 20, 0xEE, 0xEE, 0xEE); // inside record 3's body: its CRC no longer matches

        using (var reopened = Open())
        {
            Assert.Equal([1L, 2L, 4L, 5L], reopened.Peek(10).Select(Seq));
            Assert.Equal(new OutboxDrops(Oldest: 0, NoSeq: 0, Damaged: 1), reopened.TakeOverflowCount()); // the lost message reaches the cloud as an outboxOverflow event
            var warning = Assert.Single(Log, l => l.Level == LogLevel.Warning);
            Assert.Contains($"{starts[3] - starts[2]} damaged bytes", warning.Text, StringComparison.Ordinal);
            Assert.Contains("up to 1 unsent message", warning.Text, StringComparison.Ordinal);
            Assert.Equal(length - (starts[3] - starts[2]), new FileInfo(segment).Length); // replaced by its intact records
            Assert.Equal(11, Put(reopened).Seq); // above the reservation, as after any restart
        }
        using var again = Open();
        Assert.Equal([1L, 2L, 4L, 5L, 11L], again.Peek(10).Select(Seq));
        Assert.Equal(default, again.TakeOverflowCount()); // the damage was reported once, not at every restart
        Assert.Single(Log, l => l.Level == LogLevel.Warning);
    }

    [Fact]
    public void A_damaged_length_is_resynchronised_on_the_next_record()
    {
        var (segment, starts) = FiveOnTheCard();
        Corrupt(segment, starts[1], 0x10, 0x00, 0x00, 0x00); // record 2 claims 16 bytes: a frame that does not check

        using var reopened = Open();
        Assert.Equal([1L, 3L, 4L, 5L], reopened.Peek(10).Select(Seq));
        Assert.Single(Log, l => l.Level == LogLevel.Warning && l.Text.Contains("damaged bytes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_torn_tail_is_cut_quietly(bool zeros)
    {
        var (segment, _) = FiveOnTheCard();
        var length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            // a record cut off by a power cut, or a block the filesystem had allocated but never written (zeros)
            stream.Write(zeros ? new byte[4096] : [200, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9]);
        }

        using var reopened = Open();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], reopened.Peek(10).Select(Seq));
        Assert.Equal(length, new FileInfo(segment).Length);
        Assert.DoesNotContain(Log, l => l.Level >= LogLevel.Warning);
        Assert.Equal(default, reopened.TakeOverflowCount());
    }

    [Fact]
    public void Zeros_in_the_middle_are_skipped_not_read_as_empty_records()
    {
        var (segment, starts) = FiveOnTheCard();
        Corrupt(segment, starts[1], new byte[starts[3] - starts[1]]); // records 2 and 3 zeroed, as after a lost block write

        using var reopened = Open();
        Assert.Equal([1L, 4L, 5L], reopened.Peek(10).Select(Seq));
        Assert.Equal(new OutboxDrops(Oldest: 0, NoSeq: 0, Damaged: 2), reopened.TakeOverflowCount());
    }

    [Fact]
    public void A_damaged_ack_in_the_middle_of_the_ack_log_keeps_the_acks_after_it()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                Put(outbox);
            }
            foreach (var m in outbox.Peek(3))
            {
                outbox.Ack(m.Id); // acks 1, 2, 3: three 16-byte records
            }
        }
        Corrupt(Path.Combine(Dir, "acks.log"), 16 + 12, 0xEE); // inside the second ack's body

        using var reopened = Open();
        Assert.Equal([2L, 4L, 5L], reopened.Peek(10).Select(Seq)); // 2 goes out again; 3 stays acked
    }
}
