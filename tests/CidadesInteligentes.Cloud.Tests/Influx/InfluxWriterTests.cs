using System.Net;
using CidadesInteligentes.Cloud.Influx;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

public sealed class InfluxWriterTests
{
    private static InfluxSettings Settings(int batchSize = 5_000) => new(new Uri("http://127.0.0.1:8086"), "ci")
    {
        BatchSize = batchSize,
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromMilliseconds(400),
    };

    [Fact]
    public async Task A_full_batch_leaves_at_once_and_the_rest_after_the_flush_interval()
    {
        var handler = new FakeInfluxHandler();
        var clock = new ManualTimeProvider();
        await using var writer = new InfluxWriter(Settings(batchSize: 3), new HttpClient(handler), clock);

        for (var i = 0; i < 5; i++)
        {
            await writer.WriteAsync($"m v={i}i {i}", CancellationToken.None);
        }
        await Wait.UntilAsync(() => handler.Requests == 1 && writer.Buffered == 2, "first batch sent, two lines waiting");
        Assert.Equal("m v=0i 0\nm v=1i 1\nm v=2i 2\n", handler.Bodies[0]);

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, handler.Requests);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => writer.Counters.Written == 5, "second batch sent after 1 s");
        Assert.Equal("m v=3i 3\nm v=4i 4\n", handler.Bodies[1]);
        Assert.Equal(new InfluxCounters(5, 0, 0, 2, 0), writer.Counters);
    }

    [Fact]
    public async Task Default_settings_send_5000_lines_at_once_and_the_5001st_after_one_second()
    {
        var settings = new InfluxSettings(new Uri("http://127.0.0.1:8086"), "ci"); // every other setting at its default
        Assert.Equal(5_000, settings.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.FlushInterval);
        var clock = new TimerCountingClock(new ManualTimeProvider());
        var timersAtFirstRequest = -1;
        var handler = new FakeInfluxHandler
        {
            // stored as usual; only notes how many timers the writer had made when the first batch arrived
            Script = (n, _) =>
            {
                if (n == 1)
                {
                    Volatile.Write(ref timersAtFirstRequest, clock.TimersCreated);
                }
                return null;
            },
        };
        await using var writer = new InfluxWriter(settings, new HttpClient(handler), clock);
        var lines = Enumerable.Range(0, 5_001).Select(i => $"m v={i}i {i}").ToList();
        foreach (var line in lines)
        {
            await writer.WriteAsync(line, CancellationToken.None);
        }

        // the full batch leaves at once, with no time passed; the last line waits in a new batch under its own timer
        await Wait.UntilAsync(() => writer.Counters.Written == 5_000, "5,000 lines sent without the clock moving");
        await Wait.UntilAsync(() => clock.TimersCreated > Volatile.Read(ref timersAtFirstRequest) && writer.Buffered == 1, "the 5,001st line waiting for the interval");
        Assert.Equal(1, handler.Requests);
        Assert.Equal(string.Concat(lines.Take(5_000).Select(l => l + "\n")), handler.Bodies[0]);

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, handler.Requests);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => writer.Counters.Written == 5_001, "the 5,001st line sent after 1 s");
        Assert.Equal(2, handler.Requests);
        Assert.Equal("m v=5000i 5000\n", handler.Bodies[1]);
        Assert.Equal(new InfluxCounters(5_001, 0, 0, 2, 0), writer.Counters);
    }

    /// <summary>A manual clock that counts the timers made from it (the writer's flush timers are Task.Delay on it).</summary>
    private sealed class TimerCountingClock(ManualTimeProvider inner) : TimeProvider
    {
        private int _created;

        public int TimersCreated => Volatile.Read(ref _created);

        public void Advance(TimeSpan delta) => inner.Advance(delta);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _created); // after the timer exists, so a test that sees the count can move the clock
            return timer;
        }
    }

    [Fact]
    public async Task Server_errors_and_refused_connections_are_retried_with_capped_backoff()
    {
        var handler = new FakeInfluxHandler
        {
            Script = (n, _) => n switch
            {
                1 => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{\"error\":\"overloaded\"}") },
                <= 4 => throw new HttpRequestException("Connection refused"),
                _ => null,
            },
        };
        var clock = new ManualTimeProvider();
        await using var writer = new InfluxWriter(Settings(), new HttpClient(handler), clock);
        await writer.WriteAsync("m v=1i 1", CancellationToken.None);
        var flush = writer.FlushAsync(CancellationToken.None);

        // retries wait 100, 200, 400, then 400 ms (capped)
        foreach (var (retry, delayMs) in new[] { (1, 100), (2, 200), (3, 400), (4, 400) })
        {
            await Wait.UntilAsync(() => writer.Counters.Retried == retry, $"retry {retry} scheduled");
            clock.Advance(TimeSpan.FromMilliseconds(delayMs - 1));
            Assert.Equal(retry, handler.Requests);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        await Wait.ForAsync(flush, "flush after the fifth attempt");
        Assert.Equal(5, handler.Requests);
        Assert.All(handler.Bodies, b => Assert.Equal("m v=1i 1\n", b));
        Assert.Equal(new InfluxCounters(1, 4, 0, 1, 0), writer.Counters);
    }

    [Fact]
    public async Task A_poison_line_is_isolated_and_dropped_and_the_batch_is_never_resent_whole()
    {
        var handler = new FakeInfluxHandler();
        await using var writer = new InfluxWriter(Settings(), new HttpClient(handler), TimeProvider.System);
        var lines = Enumerable.Range(0, 10).Select(i => i == 6 ? "m poison" : $"m v={i}i {i}").ToList();
        foreach (var line in lines)
        {
            await writer.WriteAsync(line, CancellationToken.None);
        }
        await Wait.ForAsync(writer.FlushAsync(CancellationToken.None), "flush");

        var whole = string.Concat(lines.Select(l => l + "\n"));
        Assert.Equal(1, handler.Bodies.Count(b => b == whole));
        Assert.Equal(lines.Where(l => l != "m poison").ToHashSet(), handler.Stored);
        var drop = Assert.Single(writer.RecentDrops);
        Assert.Equal("m poison", drop.Line);
        Assert.Contains("unable to parse 'm poison'", drop.Error, StringComparison.Ordinal);
        Assert.Equal(new InfluxCounters(9, 0, 1, 1, 0), writer.Counters);
        // 10 → 5 ok + 5 bad → 2 ok + 3 bad → 1 bad(poison) + 2 ok: 1 + 2 + 2 + 2 requests
        Assert.Equal(7, handler.Requests);
    }

    [Fact]
    public async Task Two_poison_lines_in_different_halves_are_both_dropped()
    {
        var handler = new FakeInfluxHandler();
        await using var writer = new InfluxWriter(Settings(), new HttpClient(handler), TimeProvider.System);
        for (var i = 0; i < 8; i++)
        {
            await writer.WriteAsync(i is 1 or 6 ? $"m poison{i}" : $"m v={i}i {i}", CancellationToken.None);
        }
        await Wait.ForAsync(writer.FlushAsync(CancellationToken.None), "flush");
        Assert.Equal(["m poison1", "m poison6"], writer.RecentDrops.Select(d => d.Line));
        Assert.Equal(6, handler.Stored.Count);
        Assert.Equal(6, writer.Counters.Written);
    }

    [Fact]
    public async Task Disposal_sends_what_is_queued_without_waiting_for_the_interval()
    {
        var handler = new FakeInfluxHandler();
        var clock = new ManualTimeProvider();
        var writer = new InfluxWriter(Settings(), new HttpClient(handler), clock);
        await writer.WriteAsync("m v=1i 1", CancellationToken.None);
        await writer.WriteAsync("m v=2i 2", CancellationToken.None);

        await Wait.ForAsync(writer.DisposeAsync().AsTask(), "dispose drains the queue");

        Assert.Equal(["m v=1i 1", "m v=2i 2"], handler.Stored.Order(StringComparer.Ordinal));
        Assert.Equal(2, writer.Counters.Written);
    }
}
