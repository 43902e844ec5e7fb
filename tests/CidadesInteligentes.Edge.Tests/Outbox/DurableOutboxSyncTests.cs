using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// Counts fsyncs (SD-card wear): batched flushes, at most one round per flush interval. What one round costs,
/// honestly: one fsync per file written since the last round — the active segment after enqueues, the ack log
/// after acks — so 1 or 2 file fsyncs and no directory fsync. Outside the rounds: a seq reservation (once per
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
        Assert.Equal((1, 2), Counts(outbox)); // open: ack log rewrite (file + directory), new segment (directory)
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

    private static (long Files, long Directories) Counts(DurableOutbox outbox) => (outbox.Syncs.Files, outbox.Syncs.Directories);
}
