using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// The series sink: lines go into a bounded queue; one loop sends them to <c>/write</c> in batches of
/// <see cref="InfluxSettings.BatchSize"/> lines or after <see cref="InfluxSettings.FlushInterval"/>, whichever comes
/// first. A 5xx or connection error is retried with capped exponential backoff (the stream waits: nothing is lost).
/// A 400 is never resent as is — its good lines were already stored — so the batch is bisected until each poison line
/// is alone; those are dropped with the server's message and the rest is kept. Resending a good line is harmless:
/// a point with the same measurement, tags and timestamp overwrites itself.
/// </summary>
public sealed partial class InfluxWriter : IAsyncDisposable
{
    private readonly InfluxSettings _settings;
    private readonly InfluxHttp _http;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Channel<string> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<DroppedLine> _recentDrops = new();
    private readonly Task _loop;
    private TaskCompletionSource _flushNow = NewSignal();
    private long _enqueued;
    private long _written;
    private long _retried;
    private long _dropped;
    private long _batches;
    private int _buffered;

    public InfluxWriter(InfluxSettings settings, HttpClient http, TimeProvider time, ILogger<InfluxWriter>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Capacity, 1);
        _settings = settings;
        _http = new InfluxHttp(http, settings);
        _time = time;
        _log = log ?? NullLogger<InfluxWriter>.Instance;
        _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(settings.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The HTTP calls (create database, query) over the same client and settings.</summary>
    public InfluxHttp Http => _http;

    public InfluxCounters Counters => new(
        Interlocked.Read(ref _written), Interlocked.Read(ref _retried), Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _batches), _queue.Reader.Count);

    /// <summary>The last lines dropped as poison, oldest first.</summary>
    public IReadOnlyList<DroppedLine> RecentDrops
    {
        get
        {
            lock (_recentDrops)
            {
                return [.. _recentDrops];
            }
        }
    }

    /// <summary>Lines taken off the queue into the batch being filled (for tests that drive the clock).</summary>
    internal int Buffered => Volatile.Read(ref _buffered);

    /// <summary>Queues one line (without its newline); waits while the queue is full.</summary>
    public async ValueTask WriteAsync(string line, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(line);
        await _queue.Writer.WriteAsync(line, ct).ConfigureAwait(false);
        Interlocked.Increment(ref _enqueued);
    }

    /// <summary>Queues one line if there is room; false when the queue is full.</summary>
    public bool TryWrite(string line)
    {
        ArgumentException.ThrowIfNullOrEmpty(line);
        if (!_queue.Writer.TryWrite(line))
        {
            return false;
        }
        Interlocked.Increment(ref _enqueued);
        return true;
    }

    /// <summary>Sends what is queued now and completes once every line queued before the call is written or dropped.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var target = Interlocked.Read(ref _enqueued);
        while (Interlocked.Read(ref _written) + Interlocked.Read(ref _dropped) < target)
        {
            var signal = Volatile.Read(ref _flushNow);
            signal.TrySetResult();
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops taking lines and gives the queue <see cref="InfluxSettings.DrainTimeout"/> (wall-clock) to reach the
    /// server; whatever is still queued after that is abandoned (SQLite remains the record).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Volatile.Read(ref _flushNow).TrySetResult();
        try
        {
            await _loop.WaitAsync(_settings.DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogAbandoned(_log, _queue.Reader.Count + Buffered);
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping mid-retry is expected once the drain time is up
        }
        _stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync()
    {
        var batch = new List<string>(Math.Min(_settings.BatchSize, 65_536));
        var reader = _queue.Reader;
        var ct = _stop.Token;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            await FillAsync(batch, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _batches);
            await SendAsync(batch, ct).ConfigureAwait(false);
            batch.Clear();
            Volatile.Write(ref _buffered, 0);
        }
    }

    // Takes lines until the batch is full or its first line has waited the flush interval (or a flush is asked for).
    private async Task FillAsync(List<string> batch, CancellationToken ct)
    {
        var reader = _queue.Reader;
        var started = _time.GetTimestamp();
        while (true)
        {
            while (batch.Count < _settings.BatchSize && reader.TryRead(out var line))
            {
                batch.Add(line);
            }
            var remaining = _settings.FlushInterval - _time.GetElapsedTime(started);
            var flush = Volatile.Read(ref _flushNow);
            if (batch.Count >= _settings.BatchSize || remaining <= TimeSpan.Zero || flush.Task.IsCompleted)
            {
                if (flush.Task.IsCompleted)
                {
                    Interlocked.CompareExchange(ref _flushNow, NewSignal(), flush);
                }
                return;
            }
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var timer = Task.Delay(remaining, _time, wake.Token);
            var more = reader.WaitToReadAsync(wake.Token).AsTask();
            // published after the timer exists, so a test that sees the count can move the clock safely
            Volatile.Write(ref _buffered, batch.Count);
            await Task.WhenAny(timer, more, flush.Task).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (more.IsCompletedSuccessfully && !more.Result)
            {
                return; // queue completed: send what we have
            }
        }
    }
}
