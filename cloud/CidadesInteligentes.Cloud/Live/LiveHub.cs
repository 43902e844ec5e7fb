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
            await foreach (var update in subscriber.Queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                yield return update;
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

    private sealed record Subscriber(string? City, Channel<LiveUpdate> Queue);
}
