using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

public sealed class DurableOutboxTests : IDisposable
{
    private const string Topic = "ci/v1/3548906/luminaire/sc-lum-000001/telemetry";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "outbox-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new();

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private DurableOutbox Open(int maxMessages = 1000, long maxBytes = 1 << 20, long segmentBytes = 1 << 20) =>
        new(new OutboxOptions(_dir, maxMessages, maxBytes, TimeSpan.FromMilliseconds(500), segmentBytes, SeqReserveBlock: 10), _time);

    private static OutboxMessage Put(DurableOutbox outbox, string stream = "telemetry", string text = "m") =>
        outbox.Enqueue(stream, Topic, new DateTimeOffset(2026, 11, 22, 3, 15, 0, TimeSpan.Zero), seq => Encoding.UTF8.GetBytes($"{text}{seq}"));

    private static string Text(OutboxMessage message) => Encoding.UTF8.GetString(message.Payload.Span);

    [Fact]
    public void Assigns_seq_per_stream_and_keeps_queue_order()
    {
        using var outbox = Open();
        Put(outbox, "telemetry");
        Put(outbox, "event");
        Put(outbox, "telemetry");
        Put(outbox, "ack");

        var all = outbox.Peek(10);
        Assert.Equal(["telemetry:1", "event:1", "telemetry:2", "ack:1"], all.Select(m => $"{m.Stream}:{m.Seq}"));
        Assert.Equal("m2", Text(all[2]));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 15, 0, TimeSpan.Zero), all[0].Ts);
        Assert.Equal([all[2], all[3]], outbox.Peek(10, afterId: all[1].Id));
    }

    [Fact]
    public void Ack_removes_only_that_message_and_survives_reopen()
    {
        long secondId;
        using (var outbox = Open())
        {
            var first = Put(outbox);
            secondId = Put(outbox).Id;
            Put(outbox);
            Assert.True(outbox.Ack(first.Id));
            Assert.False(outbox.Ack(first.Id));
            Assert.Equal(2, outbox.PendingCount);
        }
        using var reopened = Open();
        Assert.Equal([2L, 3L], reopened.Peek(10).Select(m => m.Seq));
        Assert.True(reopened.Ack(secondId));
        Assert.Equal([3L], reopened.Peek(10).Select(m => m.Seq));
    }

    [Fact]
    public void Seq_keeps_increasing_after_reopen_even_when_everything_was_acked()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 3; i++)
            {
                outbox.Ack(Put(outbox).Id);
            }
        }
        using var reopened = Open();
        Assert.Equal(0, reopened.PendingCount);
        // seqs 1..10 were reserved on disk (block of 10); the restart resumes above the reserved ceiling.
        Assert.Equal(11, Put(reopened).Seq);
    }

    [Fact]
    public void Enqueue_of_a_contract_payload_sets_seq_in_the_json()
    {
        using var outbox = Open();
        var telemetry = new HotspotTelemetry { Ts = new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero), UptimeS = 5 };
        var message = outbox.Enqueue("telemetry", Topic, telemetry, TelemetryJson.Default.HotspotTelemetry);
        Assert.Contains("\"seq\":1", Text(message), StringComparison.Ordinal);
        Assert.Contains("\"v\":1", Text(message), StringComparison.Ordinal);
        Assert.Equal(telemetry.Ts, message.Ts);
    }

    [Fact]
    public void Each_message_keeps_its_original_ts_after_reopen()
    {
        // measured at 00:15:00.1234567 local (-03:00), queued, and the device restarts hours later
        var measured = new DateTimeOffset(2026, 11, 22, 0, 15, 0, TimeSpan.FromHours(-3)).AddTicks(1_234_567);
        var reported = new DateTimeOffset(2026, 11, 22, 3, 16, 0, TimeSpan.Zero);
        using (var outbox = Open())
        {
            outbox.Enqueue("telemetry", Topic, measured, seq => Encoding.UTF8.GetBytes($"m{seq}"));
            outbox.Enqueue("telemetry", Topic, new HotspotTelemetry { Ts = reported, UptimeS = 5 }, TelemetryJson.Default.HotspotTelemetry);
        }
        _time.Advance(TimeSpan.FromHours(6));
        using var reopened = Open();
        var messages = reopened.Peek(10);
        Assert.Equal([measured, reported], messages.Select(m => m.Ts));
        Assert.Equal(measured.UtcTicks, messages[0].Ts.UtcTicks); // to the tick, not re-stamped at reopen
        Assert.Equal(TimeSpan.Zero, messages[0].Ts.Offset);
        var payload = System.Text.Json.JsonSerializer.Deserialize(messages[1].Payload.Span, TelemetryJson.Default.HotspotTelemetry)!;
        Assert.Equal(reported, payload.Ts);
        Assert.Equal(2, payload.Seq);
    }

    [Fact]
    public void Overflow_drops_oldest_first_and_counts_them()
    {
        using (var outbox = Open(maxMessages: 3))
        {
            for (var i = 0; i < 5; i++)
            {
                Put(outbox);
            }
            Assert.Equal([3L, 4L, 5L], outbox.Peek(10).Select(m => m.Seq));
            Assert.Equal(new OutboxDrops(Oldest: 2, NoSeq: 0, Damaged: 0), outbox.TakeOverflowCount());
            Assert.Equal(default, outbox.TakeOverflowCount());
        }
        using var reopened = Open(maxMessages: 3);
        Assert.Equal([3L, 4L, 5L], reopened.Peek(10).Select(m => m.Seq));
    }

    [Fact]
    public void Overflow_by_bytes_drops_oldest()
    {
        // payloads "m1".."m9" are 2 bytes each: a 7-byte bound keeps the newest 3 (6 bytes).
        using var outbox = Open(maxBytes: 7);
        for (var i = 0; i < 9; i++)
        {
            Put(outbox);
        }
        Assert.Equal([7L, 8L, 9L], outbox.Peek(10).Select(m => m.Seq));
        Assert.Equal(6, outbox.PendingBytes);
        Assert.Equal(new OutboxDrops(Oldest: 6, NoSeq: 0, Damaged: 0), outbox.TakeOverflowCount());
    }

    [Fact]
    public void Flushes_on_the_interval_not_on_every_enqueue()
    {
        using var outbox = Open();
        var message = Put(outbox);
        Assert.Equal(0, outbox.DurableThroughId);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(0, outbox.DurableThroughId);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(message.Id, outbox.DurableThroughId);
    }

    [Fact]
    public void Torn_tail_is_truncated_and_appends_continue_after_it()
    {
        using (var outbox = Open())
        {
            Put(outbox);
            Put(outbox);
        }
        var segment = Directory.GetFiles(_dir, "seg-*.log").Single(f => new FileInfo(f).Length > 0);
        var intactLength = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            // a half-written record: header says 200 bytes, only 5 arrived.
            stream.Write([200, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9, 9]);
        }
        using (var reopened = Open())
        {
            Assert.Equal(intactLength, new FileInfo(segment).Length);
            Assert.Equal([1L, 2L], reopened.Peek(10).Select(m => m.Seq));
            Put(reopened);
        }
        using var again = Open();
        Assert.Equal(3, again.PendingCount);
    }

    [Fact]
    public void Corrupted_record_body_is_detected_by_crc()
    {
        using (var outbox = Open())
        {
            Put(outbox, text: "first");
            Put(outbox, text: "second");
        }
        var segment = Directory.GetFiles(_dir, "seg-*.log").Single(f => new FileInfo(f).Length > 0);
        var bytes = File.ReadAllBytes(segment);
        bytes[^1] ^= 0xFF; // flip the last payload byte of the second record
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();
        Assert.Equal(["first1"], reopened.Peek(10).Select(Text));
    }

    [Fact]
    public void Fully_acked_segments_are_deleted_and_ack_log_stays_small()
    {
        using (var outbox = Open(segmentBytes: 256))
        {
            for (var i = 0; i < 200; i++)
            {
                outbox.Ack(Put(outbox).Id);
            }
            Put(outbox);
            Assert.True(Directory.GetFiles(_dir, "seg-*.log").Length <= 2);
        }
        using var reopened = Open();
        Assert.Equal([201L], reopened.Peek(10).Select(m => m.Seq));
        Assert.True(new FileInfo(Path.Combine(_dir, "acks.log")).Length < 1024);
    }

    [Fact]
    public void Rejects_a_message_larger_than_a_record_and_keeps_the_rest()
    {
        using (var outbox = Open(maxBytes: 8L << 20))
        {
            Put(outbox);
            Assert.Throws<ArgumentException>(() => outbox.Enqueue("telemetry", Topic, DateTimeOffset.UnixEpoch, _ => new byte[2 << 20]));
            Put(outbox);
            Assert.Equal(2, outbox.PendingCount);
        }
        using var reopened = Open();
        Assert.Equal([1L, 3L], reopened.Peek(10).Select(m => m.Seq));
    }
}
