using System.Collections.Concurrent;
using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// An SD card the kernel remounted read-only after errors (a common Raspberry Pi failure) must not stop the agent at
/// start: the repairs recovery cannot write are left for later, the queued messages are read and sent.
/// </summary>
public sealed class DurableOutboxReadOnlyCardTests : OutboxCardTests
{
    public DurableOutboxReadOnlyCardTests()
        : base("ro")
    {
    }


    private static long Seq(OutboxMessage message) => message.Seq;

    [Fact]
    public void A_card_read_only_at_start_leaves_the_repairs_and_the_queued_messages_are_sent()
    {
        using (var outbox = Open(OutboxFiles.Default))
        {
            var first = Put(outbox);
            Put(outbox);
            Put(outbox);
            Put(outbox);
            Put(outbox); // seqs 1-5; 1 and 2 acked
            Assert.True(outbox.Ack(first.Id));
            Assert.True(outbox.Ack(outbox.Peek(1)[0].Id));
        }
        using (var outbox = Open(OutboxFiles.Default))
        {
            var sixth = Put(outbox); // seq 11 (above the reservation 1-10), in a new segment acked whole: deleted at the next open
            Assert.True(outbox.Ack(sixth.Id));
        }
        // What a power cut leaves for recovery to write: torn tails, a temp file.
        var segment = Directory.GetFiles(Dir, "seg-*.log").Order(StringComparer.Ordinal).First();
        File.AppendAllText(segment, "torn!");
        File.AppendAllText(Path.Combine(Dir, "acks.log"), "tor");
        File.WriteAllText(Path.Combine(Dir, "seq.hwm.tmp"), "half");

        using (var outbox = Open(new ReadOnlyCard()))
        {
            Assert.Equal([3L, 4L, 5L], outbox.Peek(10).Select(Seq)); // the agent runs and sends the queue
            Assert.True(outbox.Ack(outbox.Peek(1)[0].Id)); // held in memory: the card takes no ack
            Assert.Equal(0, Put(outbox).Seq); // no seq without a reservation on the card (counted as overflow)
            Assert.Equal(new OutboxDrops(Oldest: 0, NoSeq: 1, Damaged: 0), outbox.TakeOverflowCount());
        }
        Assert.Equal(1, Lines(LogLevel.Warning, "while the outbox starts"));

        using var fixedCard = Open(OutboxFiles.Default); // after a reboot the card is writable again
        Assert.Equal([3L, 4L, 5L], fixedCard.Peek(10).Select(Seq)); // 3's ack never reached the card: it goes out again
        Assert.Equal(21, Put(fixedCard).Seq); // above every seq reserved (11-20): none reused
    }

    /// <summary>Every write refused the way a card remounted read-only refuses it (EROFS).</summary>
    private sealed class ReadOnlyCard : OutboxFiles
    {
        public override FileStream OpenAppend(string path) => throw Refusal(path);

        public override FileStream Create(string path) => throw Refusal(path);

        public override FileStream OpenExisting(string path) => throw Refusal(path);

        public override void Delete(string path) => throw Refusal(path);

        private static IOException Refusal(string path) => new($"Read-only file system : '{path}'", 30);
    }
}
