using System.Threading.Channels;

namespace CidadesInteligentes.Cloud.Live;

/// <summary>
/// Fan-out of live updates (telemetry, status, alert, ack) to dashboard connections. Each subscriber has a small
/// bounded queue; a slow browser loses its oldest updates (counted) and never slows ingestion.
/// </summary>
internal sealed class LiveHub
{
    private readonly Lock _gate = new();
    private Subscriber[] _subscribers = [];
    private long _dropped;

    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>How long a connection may stay silent before it gets a heartbeat (`Api:LiveHeartbeatSeconds`).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Sends one update to every subscriber whose city filter matches.</summary>
    public void Publish(LiveUpdate update)
    {
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            if (s.City is not null && update.City is not null && s.City != update.City)
            {
                continue;
            }
            if (!s.Queue.Writer.TryWrite(update))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    /// <summary>Updates for one connection until <paramref name="ct"/> ends it.</summary>
    public async IAsyncEnumerable<LiveUpdate> SubscribeAsync(string? city, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var subscriber = new Subscriber(city, Channel.CreateBounded<LiveUpdate>(new BoundedChannelOptions(256)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _dropped)));
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }
        try
        {
            var reader = subscriber.Queue.Reader;
            while (await ReadyAsync(reader, HeartbeatInterval, ct).ConfigureAwait(false) is { } ready)
            {
                if (!ready)
                {
                    // silent for a whole interval: a heartbeat, so proxies and the browser know the stream is alive
                    yield return LiveUpdate.Heartbeat(HeartbeatInterval);
                    continue;
                }
                while (reader.TryRead(out var update))
                {
                    yield return update;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers = [.. _subscribers.Where(s => s != subscriber)];
            }
        }
    }

    /// <summary>true when updates are queued, false when <paramref name="interval"/> passed without any, null when the subscriber is done.</summary>
    private static async ValueTask<bool?> ReadyAsync(ChannelReader<LiveUpdate> reader, TimeSpan interval, CancellationToken ct)
    {
        if (reader.TryPeek(out _))
        {
            return true;
        }
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
        tick.CancelAfter(interval);
        try
        {
            return await reader.WaitToReadAsync(tick.Token).ConfigureAwait(false) ? true : null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private sealed record Subscriber(string? City, Channel<LiveUpdate> Queue);
}
