using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

public sealed class OutboxDrainerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "outbox-drain-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new();

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Token_bucket_allows_a_burst_then_the_refill_rate()
    {
        // capacity 5, 2 tokens/s: 5 at once, then 0, then after 1.5 s 3 tokens (floor of 3.0).
        var bucket = new TokenBucket(5, 2, _time);
        Assert.Equal(5, bucket.TakeUpTo(10));
        Assert.Equal(0, bucket.TakeUpTo(10));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(3, bucket.TakeUpTo(10));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, bucket.TakeUpTo(10));
    }

    [Fact]
    public void Drains_in_order_within_window_and_rate_and_resends_after_restart()
    {
        using var outbox = new DurableOutbox(new OutboxOptions(_dir), _time);
        for (var i = 0; i < 10; i++)
        {
            outbox.Enqueue("telemetry", "t", _time.GetUtcNow(), seq => Encoding.UTF8.GetBytes($"{seq}"));
        }
        var drainer = new OutboxDrainer(outbox, new TokenBucket(4, 1, _time), maxInFlight: 3);

        var first = drainer.NextBatch();
        Assert.Equal([1L, 2L, 3L], first.Select(m => m.Seq));
        Assert.Empty(drainer.NextBatch()); // window full
        drainer.Acked(first[0].Id);
        Assert.Equal([4L], drainer.NextBatch().Select(m => m.Seq)); // 4th token of the burst
        drainer.Acked(first[1].Id);
        Assert.Empty(drainer.NextBatch()); // bucket empty
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([5L], drainer.NextBatch().Select(m => m.Seq));

        drainer.Restart(); // reconnect: 3, 4 and 5 were never acked and go out again first
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([3L, 4L, 5L], drainer.NextBatch().Select(m => m.Seq));
        Assert.Equal(8, outbox.PendingCount);
    }
}
