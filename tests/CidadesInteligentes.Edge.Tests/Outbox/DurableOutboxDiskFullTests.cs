using System.Collections.Concurrent;
using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// A full SD card (or one the kernel remounted read-only) must not crash the agent: what cannot be written is kept
/// in memory, bounded like the outbox, and written once the card has room; a seq whose reservation cannot be written
/// is not handed out at all.
/// </summary>
public sealed class DurableOutboxDiskFullTests : OutboxCardTests
{
    private readonly FullCard _card = new();

    public DurableOutboxDiskFullTests()
        : base("full")
    {
    }


    // the full card unless a test names other files
    private new DurableOutbox Open(OutboxFiles? files = null, int maxMessages = 1000, long segmentBytes = 1 << 20) =>
        base.Open(files ?? _card, maxMessages, segmentBytes);

    private static string Text(OutboxMessage message) => Encoding.UTF8.GetString(message.Payload.Span);

    [Fact]
    public void A_full_card_keeps_new_messages_in_memory_and_writes_them_once_it_has_room()
    {
        using (var outbox = Open())
        {
            var first = Put(outbox);
            var second = Put(outbox);
            Time.Advance(TimeSpan.FromMilliseconds(500));
            _card.Full = true;
            for (var i = 0; i < 4; i++)
            {
                Put(outbox); // seqs 3-6: the card refuses them, the agent goes on
            }
            Assert.True(outbox.Ack(first.Id)); // the ack log is refused too
            Assert.True(outbox.Ack(outbox.Peek(10)[1].Id)); // seq 3, sent from memory and acked before it reached the card
            Assert.Equal([2L, 4L, 5L, 6L], outbox.Peek(10).Select(m => m.Seq));
            Time.Advance(TimeSpan.FromMilliseconds(500));
            Assert.Equal(second.Id, outbox.DurableThroughId); // only what reached the card counts as durable
            Assert.Equal(1, Lines(LogLevel.Warning, "No space left on device")); // said once, not per message
            Assert.Equal(1, Lines(LogLevel.Warning, "kept in memory"));

            _card.Full = false;
            Time.Advance(TimeSpan.FromSeconds(9));
            Assert.Equal(second.Id, outbox.DurableThroughId); // the card is left alone for 10 s after a refusal
            Time.Advance(TimeSpan.FromSeconds(1)); // then a flush round writes what was held, by itself
            Assert.Equal(outbox.Peek(10)[^1].Id, outbox.DurableThroughId);
            Assert.Equal(1, Lines(LogLevel.Information, "writing again"));
        }
        using var reopened = Open(OutboxFiles.Default);
        Assert.Equal(["m2", "m4", "m5", "m6"], reopened.Peek(10).Select(Text)); // message 1's ack reached the card too
        Assert.Equal(11, Put(reopened).Seq); // above the reservation (block of 10): no seq reused
    }

    [Fact]
    public void Messages_held_in_memory_are_bounded_like_the_outbox()
    {
        using (var outbox = Open(maxMessages: 3))
        {
            Put(outbox); // seq 1 reserves 1-10 on the card
            _card.Full = true;
            for (var i = 0; i < 5; i++)
            {
                Put(outbox);
            }
            Assert.Equal([4L, 5L, 6L], outbox.Peek(10).Select(m => m.Seq));
            Assert.Equal(new OutboxDrops(Oldest: 3, NoSeq: 0, Damaged: 0), outbox.TakeOverflowCount());
            _card.Full = false;
            Put(outbox);
            Assert.Equal([5L, 6L, 7L], outbox.Peek(10).Select(m => m.Seq));
        }
        using var reopened = Open(OutboxFiles.Default, maxMessages: 3);
        Assert.Equal(["m5", "m6", "m7"], reopened.Peek(10).Select(Text));
    }

    [Fact]
    public void A_segment_the_card_cannot_create_does_not_break_later_enqueues()
    {
        using (var outbox = Open(segmentBytes: 64)) // every record fills a segment: each append rolls
        {
            Put(outbox);
            _card.RefuseNewFiles = true;
            Put(outbox); // written, then the roll cannot create the next segment
            Put(outbox);
            Put(outbox);
            Assert.Equal([1L, 2L, 3L, 4L], outbox.Peek(10).Select(m => m.Seq));
            _card.RefuseNewFiles = false;
            Time.Advance(TimeSpan.FromSeconds(10)); // the retry after a refusal creates the segment and writes 3 and 4
            Put(outbox);
            Time.Advance(TimeSpan.FromMilliseconds(500));
            Assert.Equal([1L, 2L, 3L, 4L, 5L], outbox.Peek(10).Select(m => m.Seq));
            Assert.Equal(outbox.Peek(10)[^1].Id, outbox.DurableThroughId);
        }
        using var reopened = Open(OutboxFiles.Default, segmentBytes: 64);
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], reopened.Peek(10).Select(Text));
    }

    [Fact]
    public void A_seq_reservation_the_card_refuses_drops_the_message_and_no_seq_is_handed_out_beyond_the_card()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 10; i++)
            {
                Put(outbox); // seqs 1-10: the reservation on the card covers them
            }
            _card.Full = true;
            var refused = Put(outbox); // seq 11 needs the next reservation written first
            Assert.Equal(0, refused.Seq);
            Assert.Equal(0, Put(outbox, "event").Seq); // a new stream needs one too
            Assert.Equal(10, outbox.LastSeq("telemetry"));
            Assert.Equal(10, outbox.PendingCount);
            Assert.Equal(new OutboxDrops(Oldest: 0, NoSeq: 2, Damaged: 0), outbox.TakeOverflowCount()); // reported like an overflow: the cloud gets an outboxOverflow event
            Assert.Equal(1, Lines(LogLevel.Error, "refuses to store the outbox's seq reservation"));
        }
        // The agent stops (or crashes) while the card is still full: on the card the ceiling is still 10.
        using (var reopened = Open())
        {
            Assert.Equal(10, reopened.LastSeq("telemetry"));
            Assert.Equal(0, reopened.LastSeq("event"));
            _card.Full = false;
            Assert.Equal(11, Put(reopened).Seq);
            Assert.Equal(1, Put(reopened, "event").Seq);
        }
        using var again = Open(OutboxFiles.Default);
        Assert.Equal(21, Put(again).Seq); // 11-20 were reserved on the card before 11 was handed out
    }

    /// <summary>
    /// An SD card that fills up. While <see cref="Full"/> a write stores only its first half (the kernel writes what
    /// still fits, then fails) and throws ENOSPC, as on a real full ext4 or tmpfs; fsync still works. With
    /// <see cref="RefuseNewFiles"/> no file can be created.
    /// </summary>
    private sealed class FullCard : OutboxFiles
    {
        public volatile bool Full;
        public volatile bool RefuseNewFiles;

        public override FileStream OpenAppend(string path)
        {
            Refuse(path);
            return new CardStream(path, FileMode.Append, FileShare.Read, this);
        }

        public override FileStream Create(string path)
        {
            Refuse(path);
            return new CardStream(path, FileMode.Create, FileShare.None, this);
        }

        private void Refuse(string path)
        {
            if (RefuseNewFiles && !File.Exists(path))
            {
                throw new IOException($"No space left on device : '{path}'", 28);
            }
        }
    }

    private sealed class CardStream(string path, FileMode mode, FileShare share, FullCard card)
        : FileStream(path, mode, FileAccess.Write, share, bufferSize: 0)
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (card.Full)
            {
                // Half of it lands after the stream's position, which does not move: the write failed.
                RandomAccess.Write(SafeFileHandle, buffer.AsSpan(offset, count / 2), Position);
                throw new IOException($"No space left on device : '{Name}'", 28);
            }
            base.Write(buffer, offset, count);
        }

        // FileStream sends a subclass's span writes through Write(byte[], int, int).
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }
}
