using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Engines;

/// <summary>
/// Keeps the luminaire months of the city-months readers ask for up to date as telemetry arrives, so a dashboard's
/// refresh costs the readings that arrived since the last one instead of the whole month again (a city of 1,000
/// luminaires reporting every minute has 43 million readings a month). A city-month is read whole once (up to a row id);
/// after that the rows with higher ids, read by rowid range for all cities at once, are added to their luminaire's
/// month in seq order (<see cref="LuminaireMonth.Add"/>: the same steps in the same order as a whole read). Anything
/// that is not a plain "next reading" — a seq below the last one, a clock stepping back, a luminaire starting to report
/// inside the month, a registry change — marks the city-month to be read whole again at its next use.
/// </summary>
internal sealed class SavingsStreams(SqliteStore store, TimeProvider time)
{
    /// <summary>Rows read per rowid range while catching up.</summary>
    private const long CatchUpRange = 100_000;

    /// <summary>More rows than this behind (nobody asked for a long while): reading each month again is cheaper.</summary>
    internal long MaxCatchUpRows { get; set; } = 5_000_000;

    /// <summary>Luminaire months kept at most (about 0.6 KB each); past it the least recently used city-months go.</summary>
    internal long MaxLuminaireMonths { get; set; } = 1_000_000;

    /// <summary>A city-month nobody asked for in this long is dropped.</summary>
    internal static readonly TimeSpan Unused = TimeSpan.FromMinutes(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string City, string Month), CityMonth> _months = [];
    private readonly Dictionary<string, List<CityMonth>> _byCity = new(StringComparer.Ordinal);
    private long _appliedId = -1;
    private long _held;

    /// <summary>City-months read whole (the first time, or again after something a reading could not just be added for).</summary>
    public long WholeReads { get; private set; }

    /// <summary>Readings added to a luminaire's month as they arrived.</summary>
    public long ReadingsAdded { get; private set; }

    /// <summary>City-months marked to be read whole again, and why (last reason).</summary>
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

    private sealed class CityMonth(string city, LocalMonth month, HashSet<string> inventory, Dictionary<string, LuminaireMonth> luminaires, long registryVersion)
    {
        public string City { get; } = city;
        public LocalMonth Month { get; } = month;
        public HashSet<string> Inventory { get; } = inventory;
        public Dictionary<string, LuminaireMonth> Luminaires { get; } = luminaires;
        public long RegistryVersion { get; } = registryVersion;
        public long WindowFromTicks { get; } = month.Start.AddDays(-3).UtcTicks;
        public long WindowToTicks { get; } = month.End.AddDays(3).UtcTicks;
        public bool Stale { get; set; }
        public DateTimeOffset LastUsed { get; set; }
    }

    /// <summary>
    /// Runs <paramref name="use"/> on the city-month's luminaire months as of every row committed now, reading the month
    /// whole with <paramref name="readWhole"/> (given the highest row id to include) when it is not held or is stale.
    /// One at a time: the months are updated and read under one lock.
    /// </summary>
    public T With<T>(CityRecord city, LocalMonth month, long registryVersion, Func<long, Dictionary<string, LuminaireMonth>> readWhole,
        Func<IReadOnlyDictionary<string, LuminaireMonth>, T> use)
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
                var luminaires = readWhole(_appliedId);
                WholeReads++;
                held = new CityMonth(city.Ibge, month, city.Luminaires.Select(l => l.Id).ToHashSet(StringComparer.Ordinal), luminaires, registryVersion);
                _months[key] = held;
                if (!_byCity.TryGetValue(city.Ibge, out var list))
                {
                    _byCity[city.Ibge] = list = [];
                }
                list.Add(held);
                _held += luminaires.Count;
            }
            held.LastUsed = now;
            Evict(now, held);
            return use(held.Luminaires);
        }
    }

    /// <summary>Adds every luminaire reading committed since the last call to the months held.</summary>
    private void CatchUp()
    {
        var max = store.MaxTelemetryId();
        if (_months.Count == 0 || max - _appliedId > MaxCatchUpRows)
        {
            Clear();
            _appliedId = max;
            return;
        }
        while (_appliedId < max)
        {
            var upTo = Math.Min(max, _appliedId + CatchUpRange);
            foreach (var (city, device, reading) in store.LuminaireReadingsBetween(_appliedId, upTo))
            {
                Apply(city, device, reading);
            }
            _appliedId = upTo;
        }
    }

    private void Apply(string city, string device, in EnergyReading r)
    {
        if (!_byCity.TryGetValue(city, out var months))
        {
            return;
        }
        foreach (var cm in months)
        {
            if (cm.Stale || !cm.Inventory.Contains(device))
            {
                continue;
            }
            var ts = r.Ts.UtcTicks;
            if (!cm.Luminaires.TryGetValue(device, out var energy))
            {
                // no reading around the month when it was read. One after the read window cannot change the month (with
                // nothing before the month there is no step into it); one inside or before the window can
                if (ts < cm.WindowToTicks)
                {
                    Invalidate(cm, $"{device} reported for the first time around {cm.Month.Label}");
                }
                continue;
            }
            var last = energy.Last!.Value;
            if (r.Seq == last.Seq)
            {
                continue; // already in (found by a look-up around the month while the row was being committed)
            }
            if (r.Seq < last.Seq || r.Ts < last.Ts)
            {
                Invalidate(cm, $"{device}: seq {r.Seq} at {r.Ts:O} arrived after seq {last.Seq} at {last.Ts:O}");
                continue;
            }
            if (last.Ts >= cm.Month.End)
            {
                continue; // its first reading after the month is in: later ones are not part of it
            }
            energy.Add(r);
            ReadingsAdded++;
        }
    }

    private void Invalidate(CityMonth cm, string why)
    {
        cm.Stale = true;
        Invalidations++;
        LastInvalidation = $"{cm.City} {cm.Month.Label}: {why}";
    }

    private void Evict(DateTimeOffset now, CityMonth keep)
    {
        if (_held <= MaxLuminaireMonths && _months.Count < 4_096 && !_months.Values.Any(cm => now - cm.LastUsed > Unused))
        {
            return;
        }
        foreach (var cm in _months.Values.OrderBy(cm => cm.LastUsed).ToList())
        {
            if (cm != keep && (now - cm.LastUsed > Unused || _held > MaxLuminaireMonths || _months.Count >= 4_096))
            {
                Remove(cm);
            }
        }
    }

    private void Remove(CityMonth cm)
    {
        _months.Remove((cm.City, cm.Month.Label));
        if (_byCity.TryGetValue(cm.City, out var list))
        {
            list.Remove(cm);
            if (list.Count == 0)
            {
                _byCity.Remove(cm.City);
            }
        }
        _held -= cm.Luminaires.Count;
    }

    private void Clear()
    {
        _months.Clear();
        _byCity.Clear();
        _held = 0;
    }
}
