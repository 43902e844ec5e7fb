using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Engines;

/// <summary>
/// City-months that readers asked for, kept up to date as telemetry arrives, so a dashboard's refresh costs the rows
/// that arrived since the last one instead of the whole month again. A city-month is read whole once, up to a row id;
/// after that the rows with higher ids (the <c>telemetry</c> table is in arrival order), read by rowid range for all
/// cities at once, are added to the months held. What cannot simply be added marks a month stale: it is read whole
/// again at its next use. One at a time: the months are updated and read under one lock.
/// </summary>
/// <typeparam name="TData">What is held per city-month.</typeparam>
/// <typeparam name="TRow">One telemetry row as the subclass reads it.</typeparam>
internal abstract class CityMonthStreams<TData, TRow>(TimeProvider time)
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

    private readonly Lock _gate = new();
    private readonly Dictionary<(string City, string Month), Held> _months = [];
    private readonly Dictionary<string, List<Held>> _byCity = new(StringComparer.Ordinal);
    private long _appliedId = -1;
    private long _held;

    /// <summary>City-months read whole (the first time, or again after something that could not just be added).</summary>
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
    /// <paramref name="readWhole"/> (given the highest row id to include) when it is not held, is stale or was read
    /// under another registry.
    /// </summary>
    /// <param name="refresh">For a month already held, after the catch-up: reads what the rows could not simply be added for
    /// (given the highest row id included so far); returns how much it added, in the units of <see cref="SizeOf"/>.</param>
    protected T With<T>(CityRecord city, LocalMonth month, long registryVersion, Func<long, TData> readWhole, Func<TData, T> use,
        Func<TData, long, long>? refresh = null)
    {
        lock (_gate)
        {
            CatchUp();
            var key = (city.Ibge, month.Label);
            if (_months.TryGetValue(key, out var held) && (held.Stale || held.RegistryVersion != registryVersion))
            {
                Remove(held);
                held = null;
            }
            var now = time.GetUtcNow();
            if (held is null)
            {
                held = new Held(city.Ibge, month, readWhole(_appliedId), registryVersion);
                held.Size = SizeOf(held.Data);
                WholeReads++;
                _months[key] = held;
                if (!_byCity.TryGetValue(city.Ibge, out var list))
                {
                    _byCity[city.Ibge] = list = [];
                }
                list.Add(held);
                _held += held.Size;
            }
            else if (refresh is not null)
            {
                var grown = refresh(held.Data, _appliedId);
                held.Size += grown;
                _held += grown;
            }
            held.LastUsed = now;
            Evict(now, held);
            return use(held.Data);
        }
    }

    protected void Invalidate(Held month, string why)
    {
        month.Stale = true;
        Invalidations++;
        LastInvalidation = $"{month.City} {month.Month.Label}: {why}";
    }

    /// <summary>Adds every row committed since the last call to the months held.</summary>
    private void CatchUp()
    {
        var max = MaxRowId();
        if (_months.Count == 0 || max - _appliedId > MaxCatchUpRows)
        {
            _months.Clear();
            _byCity.Clear();
            _held = 0;
            _appliedId = max;
            return;
        }
        while (_appliedId < max)
        {
            var upTo = Math.Min(max, _appliedId + CatchUpRange);
            foreach (var (city, device, row) in RowsBetween(_appliedId, upTo))
            {
                if (!_byCity.TryGetValue(city, out var months))
                {
                    continue;
                }
                foreach (var m in months)
                {
                    if (!m.Stale && Apply(m, device, row))
                    {
                        RowsAdded++;
                        if (RowsTakeMemory)
                        {
                            m.Size++;
                            _held++;
                        }
                    }
                }
            }
            _appliedId = upTo;
        }
    }

    private void Evict(DateTimeOffset now, Held keep)
    {
        if (_held <= MaxHeld && _months.Count < MaxMonths && !_months.Values.Any(m => now - m.LastUsed > Unused))
        {
            return;
        }
        foreach (var m in _months.Values.OrderBy(m => m.LastUsed).ToList())
        {
            if (m != keep && (now - m.LastUsed > Unused || _held > MaxHeld || _months.Count >= MaxMonths))
            {
                Remove(m);
            }
        }
    }

    private void Remove(Held m)
    {
        _months.Remove((m.City, m.Month.Label));
        if (_byCity.TryGetValue(m.City, out var list))
        {
            list.Remove(m);
            if (list.Count == 0)
            {
                _byCity.Remove(m.City);
            }
        }
        _held -= m.Size;
    }
}
