using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Engines;

/// <summary>
/// City-months that readers asked for, kept up to date as telemetry arrives, so a dashboard's refresh costs the rows
/// that arrived since the last one instead of the whole month again. A city-month is read whole once, up to a row id;
/// after that the rows with higher ids (the <c>telemetry</c> table is in arrival order), read by rowid range for all
/// cities at once, are added to the months held. What cannot simply be added marks a month stale: it is read whole
/// again at its next use. The months are updated and used under one lock; a whole read runs outside it (a big city's
/// read does not hold up the other cities' refreshes), once for all who ask for that city-month meanwhile, and the rows
/// committed during it are added when it is installed.
/// </summary>
/// <typeparam name="TData">What is held per city-month.</typeparam>
/// <typeparam name="TRow">One telemetry row as the subclass reads it.</typeparam>
internal abstract partial class CityMonthStreams<TData, TRow>(TimeProvider time)
    where TData : class
{
    /// <summary>Rows read per rowid range while catching up.</summary>
    private const long CatchUpRange = 100_000;

    /// <summary>More rows than this behind (nobody asked for a long while): reading each month again is cheaper.</summary>
    internal long MaxCatchUpRows { get; set; } = 5_000_000;

    /// <summary>How much is held at most, in the units of <see cref="SizeOf"/>; past it the least recently used months go.</summary>
    internal abstract long MaxHeld { get; set; }

    /// <summary>A city-month nobody asked for in this long is dropped.</summary>
    internal static readonly TimeSpan Unused = TimeSpan.FromMinutes(30);

    private const int MaxMonths = 4_096;

    protected TimeProvider Time => time;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string City, string Month), Held> _months = [];
    private readonly Dictionary<string, List<Held>> _byCity = new(StringComparer.Ordinal);
    private long _appliedId = -1;
    private long _held;

    /// <summary>City-months read whole (the first time, or again after something that could not just be added), or read back from disk (<see cref="SavingsStreams.Loads"/>).</summary>
    public long WholeReads { get; private set; }

    /// <summary>Rows added to a month held as they arrived.</summary>
    public long RowsAdded { get; private set; }

    /// <summary>City-months marked to be read whole again; <see cref="LastInvalidation"/> says why the last one was.</summary>
    public long Invalidations { get; private set; }

    public string? LastInvalidation { get; private set; }

    public int CityMonths
    {
        get
        {
            lock (_gate)
            {
                return _months.Count;
            }
        }
    }

    /// <summary>One city-month held.</summary>
    protected sealed class Held(string city, LocalMonth month, TData data, long registryVersion)
    {
        public string City { get; } = city;
        public LocalMonth Month { get; } = month;
        public TData Data { get; } = data;
        public long RegistryVersion { get; } = registryVersion;
        public long Size { get; set; }
        public bool Stale { get; set; }
        public DateTimeOffset LastUsed { get; set; }

        /// <summary>Rows added to it since it was read (and what its own refreshes added).</summary>
        public long Changes { get; set; }
    }

    /// <summary>The id of the newest row committed.</summary>
    protected abstract long MaxRowId();

    /// <summary>The rows of every city with ids in (<paramref name="afterId"/>, <paramref name="upToId"/>], in id order.</summary>
    protected abstract List<(string City, string Device, TRow Row)> RowsBetween(long afterId, long upToId);

    /// <summary>Adds a row to a month of its city, or marks the month stale (<see cref="Invalidate"/>); true if it was added.</summary>
    protected abstract bool Apply(Held month, string device, in TRow row);

    protected abstract long SizeOf(TData data);

    /// <summary>Whether each row added takes memory of its own (samples kept) or only updates what is held (sums).</summary>
    protected abstract bool RowsTakeMemory { get; }

    /// <summary>
    /// Runs <paramref name="use"/> on the city-month as of every row committed now, reading it whole with
    /// <paramref name="readWhole"/> (given the highest row id to include; it returns the month and the row id it is as
    /// of, at most that one: the rows after it are added) when it is not held, is stale or was read under another registry.
    /// </summary>
    /// <param name="refresh">For a month already held, after the catch-up: reads what the rows could not simply be added for
    /// (given the highest row id included so far); returns how much it added, in the units of <see cref="SizeOf"/>.</param>
    protected T With<T>(CityRecord city, LocalMonth month, long registryVersion, Func<long, (TData Data, long UpToId)> readWhole, Func<TData, T> use,
        Func<TData, long, long>? refresh = null)
    {
        var key = (city.Ibge, month.Label);
        var readKey = (city.Ibge, month.Label, registryVersion);
        while (true)
        {
            Reading reading;
            bool mine;
            lock (_gate)
            {
                CatchUp();
                if (_months.TryGetValue(key, out var held) && (held.Stale || held.RegistryVersion != registryVersion))
                {
                    Remove(held);
                    held = null;
                }
                if (held is not null)
                {
                    return Use(held, use, refresh);
                }
                // read whole outside the lock, once for everybody asking for this city-month meanwhile: a big city's read
                // must not hold up the other cities' refreshes
                mine = !_reading.TryGetValue(readKey, out reading!);
                if (mine)
                {
                    var upTo = _appliedId;
                    reading = new Reading(new Lazy<(TData, long)>(() => readWhole(upTo), LazyThreadSafetyMode.ExecutionAndPublication));
                    _reading[readKey] = reading;
                }
            }
            TData data;
            long readUpTo;
            try
            {
                (data, readUpTo) = reading.Data.Value;
            }
            finally
            {
                if (mine)
                {
                    lock (_gate)
                    {
                        _reading.Remove(readKey);
                    }
                }
            }
            lock (_gate)
            {
                CatchUp();
                if (_months.TryGetValue(key, out var held) && held.RegistryVersion > registryVersion)
                {
                    // the registry changed during the read and somebody already holds the month under the new one: this
                    // answer (asked for under the old registry) is the month as read, without replacing theirs
                    return use(data);
                }
                if (held is null || held.RegistryVersion != registryVersion)
                {
                    if (held is not null)
                    {
                        Remove(held);
                    }
                    held = Install(city.Ibge, month, data, registryVersion, readUpTo);
                }
                if (!held.Stale)
                {
                    // (the rows added since the read may name luminaires to read on their own)
                    return Use(held, use, refresh);
                }
                // a row that arrived during the read could not simply be added: read it whole again
            }
        }
    }

    /// <summary>A whole read in progress, shared by everybody waiting for it: the month, and the row id it is as of.</summary>
    private sealed record Reading(Lazy<(TData Data, long UpToId)> Data);

    private readonly Dictionary<(string City, string Month, long RegistryVersion), Reading> _reading = [];

    /// <summary>Holds a city-month read whole up to <paramref name="readUpTo"/>, with the rows committed since (up to what is applied).</summary>
    private Held Install(string city, LocalMonth month, TData data, long registryVersion, long readUpTo)
    {
        var held = new Held(city, month, data, registryVersion);
        held.Size = SizeOf(held.Data);
        WholeReads++;
        _months[(city, month.Label)] = held;
        if (!_byCity.TryGetValue(city, out var list))
        {
            _byCity[city] = list = [];
        }
        list.Add(held);
        _held += held.Size;
        // the rows the other months got while this one was being read
        for (var after = readUpTo; after < _appliedId && !held.Stale; after = Math.Min(_appliedId, after + CatchUpRange))
        {
            foreach (var (rowCity, device, row) in RowsBetween(after, Math.Min(_appliedId, after + CatchUpRange)))
            {
                if (rowCity == city && !held.Stale)
                {
                    Add(held, device, row);
                }
            }
        }
        return held;
    }

    private T Use<T>(Held held, Func<TData, T> use, Func<TData, long, long>? refresh)
    {
        if (refresh is not null)
        {
            var grown = refresh(held.Data, _appliedId);
            held.Size += grown;
            held.Changes += grown;
            _held += grown;
        }
        var now = time.GetUtcNow();
        held.LastUsed = now;
        Evict(now, held);
        Used(held, _appliedId);
        return use(held.Data);
    }

    /// <summary>Called with a month about to be used, as of row <paramref name="appliedId"/> (under the lock; it must not block).</summary>
    protected virtual void Used(Held month, long appliedId)
    {
    }

    protected void Invalidate(Held month, string why)
    {
        month.Stale = true;
        Invalidations++;
        LastInvalidation = $"{month.City} {month.Month.Label}: {why}";
    }
}
