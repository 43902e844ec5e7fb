using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// Counts fsyncs (SD-card wear): batched flushes, at most one round per flush interval. What one round costs,
/// honestly: one fsync per file written since the last round — the active segment after enqueues, the ack log
/// after acks — so 0, 1 or 2 file fsyncs and no directory fsync (the issue's "one fsync per ~0.5 s" is one round:
/// up to two files). Outside the rounds: a seq reservation (once per
/// <see cref="OutboxOptions.SeqReserveBlock"/> messages; the stream's and the record-id counter share one write)
/// is an atomic replace of seq.hwm, 1 file + 1 directory fsync; a segment roll is 1 file (the closed segment) +
/// 1 directory fsync; opening costs 1 file + 2 directory fsyncs (ack log rewrite, new segment).
/// </summary>
public sealed class DurableOutboxSyncTests : IDisposable
{
    private const string Topic = "ci/v1/3548906/luminaire/sc-lum-000001/telemetry";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "outbox-sync-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new();

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private DurableOutbox Open(long segmentBytes = 1 << 20, int reserveBlock = 1000) =>
        new(new OutboxOptions(_dir, 100_000, 64L << 20, TimeSpan.FromMilliseconds(500), segmentBytes, reserveBlock), _time);

    private OutboxMessage Put(DurableOutbox outbox) =>
        outbox.Enqueue("telemetry", Topic, _time.GetUtcNow(), seq => Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"powerW\":59.8}}"));

    [Fact]
    public void Thousand_enqueues_within_the_interval_make_no_data_sync_and_one_round_after_it()
    {
        using var outbox = Open();
        // first open: ack log rewrite (file + directory), seq.hwm written for the new outbox (file + directory: a later
        // open that finds it missing knows the card lost it), new segment (directory)
        Assert.Equal((2, 3), Counts(outbox));
        var (files, dirs) = Counts(outbox);

        OutboxMessage last = null!;
        for (var i = 0; i < 1000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(0.4)); // 1,000 enqueues within 0.4 s
            last = Put(outbox);
        }
        // No segment or ack-log sync; only the seq reservation for seqs/ids 1..1000 (block 1000): one seq.hwm replace.
        Assert.Equal((files + 1, dirs + 1), Counts(outbox));
        Assert.Equal(0, outbox.DurableThroughId);

        _time.Advance(TimeSpan.FromMilliseconds(100)); // the 0.5 s tick
        Assert.Equal((files + 2, dirs + 1), Counts(outbox)); // one round: the segment only (no acks yet)
        Assert.Equal(last.Id, outbox.DurableThroughId);

        _time.Advance(TimeSpan.FromSeconds(5)); // idle: nothing dirty, no syncs
        Assert.Equal((files + 2, dirs + 1), Counts(outbox));

        foreach (var m in outbox.Peek(10))
        {
            outbox.Ack(m.Id);
        }
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal((files + 3, dirs + 1), Counts(outbox)); // acks only: the ack log only

        Put(outbox);
        outbox.Ack(outbox.Peek(1)[0].Id);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal((files + 6, dirs + 2), Counts(outbox)); // seq 1001 reservation (1 + 1), then a round of 2 files
    }

    [Fact]
    public void Segment_rolls_and_seq_reservations_stay_within_their_bounds()
    {
        using var outbox = Open(segmentBytes: 4096, reserveBlock: 100);
        var (files, dirs) = Counts(outbox);
        for (var i = 0; i < 1000; i++)
        {
            Put(outbox);
        }
        var rolls = Directory.GetFiles(_dir, "seg-*.log").Length - 1;
        Assert.InRange(rolls, 5, 50);
        const int Reservations = 1000 / 100; // stream and record-id counters persisted together
        Assert.Equal((files + rolls + Reservations, dirs + rolls + Reservations), Counts(outbox));

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.InRange(Counts(outbox).Files - files - rolls - Reservations, 0, 1); // at most the active segment
        Assert.Equal(dirs + rolls + Reservations, Counts(outbox).Directories);
    }

    [Fact]
    public void Over_three_minutes_each_interval_has_at_most_one_round_of_at_most_the_segment_and_the_ack_log()
    {
        // Reservation block and segment size large enough that, after the first message, every sync is a round's.
        using var outbox = Open(reserveBlock: 100_000);
        var last = Put(outbox);
        var (files, dirs) = Counts(outbox);
        var random = new Random(20261122);
        var step = TimeSpan.FromMilliseconds(50);
        const int StepsPerInterval = 10; // the 500 ms flush timer fires on every 10th step
        const int Intervals = 3 * 60 * 2;
        var appended = true;
        var acked = false;
        var rounds = 0;
        var twoFileRounds = 0;
        var dirtyIntervals = 0;
        for (var i = 1; i <= Intervals * StepsPerInterval; i++)
        {
            // traffic between timer ticks: an enqueue in a fifth of the steps, an ack of the oldest in a fifth
            if (random.Next(5) == 0)
            {
                last = Put(outbox);
                appended = true;
            }
            if (random.Next(5) == 0 && outbox.Peek(1) is [var oldest])
            {
                acked |= outbox.Ack(oldest.Id);
            }
            _time.Advance(step);
            var (f, d) = Counts(outbox);
            Assert.Equal(dirs, d); // a round never syncs a directory
            if (i % StepsPerInterval != 0)
            {
                Assert.Equal(files, f); // nothing between ticks: appends and acks wait for the round
                continue;
            }
            // The tick: one round, syncing exactly the files written since the last one (segment, ack log), or none.
            var expected = (appended ? 1 : 0) + (acked ? 1 : 0);
            Assert.Equal(expected, f - files);
            dirtyIntervals += expected > 0 ? 1 : 0;
            rounds += f > files ? 1 : 0;
            twoFileRounds += f - files == 2 ? 1 : 0;
            files = f;
            appended = acked = false;
        }
        Assert.Equal(dirtyIntervals, rounds);
        Assert.InRange(rounds, Intervals * 9 / 10, Intervals); // at most one round per interval, and this traffic dirties nearly all
        Assert.True(twoFileRounds > Intervals / 2, $"{twoFileRounds} rounds synced both files"); // the bound of 2 is reached
        Assert.Equal(last.Id, outbox.DurableThroughId);
    }

    private static (long Files, long Directories) Counts(DurableOutbox outbox) => (outbox.Syncs.Files, outbox.Syncs.Directories);
}
