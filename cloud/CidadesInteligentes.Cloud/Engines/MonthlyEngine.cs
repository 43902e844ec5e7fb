using System.Collections.Concurrent;
using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Engines;

/// <summary>
/// Runs the domain engines (savings, Wi-Fi compliance) on stored data for one city-month. Results are cached until
/// the city's data or the registry changes; while data streams in, a result is reused for a few seconds so dashboards
/// polling many cities do not recompute on every request. What the engines read is kept up to date as telemetry
/// arrives (<see cref="SavingsStreams"/>, <see cref="WifiStreams"/>), so a recomputation does not read the month again.
/// </summary>
internal sealed class MonthlyEngine(SqliteStore store, RegistryService registry, Ingestor ingestor, TimeProvider time)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a result of a month still open is kept without new data: its figures depend on the time itself (the
    /// ANEEL estimate, revenue share and completeness of the month so far, the Wi-Fi minutes without data), so a quiet
    /// city's numbers must still move on with the clock.
    /// </summary>
    internal static readonly TimeSpan OpenMonthMaxAge = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string Kind, string City, string Month), Cached> _cache = new();

    private sealed record Cached(object Value, long DataVersion, long RegistryVersion, DateTimeOffset At, bool MonthOpen);

    /// <summary>
    /// Results kept at most (645 cities × savings and Wi-Fi × about three months): any reader may ask for any month, so
    /// without a bound a crawler walking the years would keep every answer in memory. Past it the older half goes.
    /// </summary>
    internal int MaxCached { get; set; } = 4_096;

    internal int CachedCount => _cache.Count;

    public CitySavings Savings(CityRecord city, string month) =>
        (CitySavings)GetOrCompute("savings", city, month, () => ComputeSavings(city, month));

    public CityWifiReport Wifi(CityRecord city, string month) =>
        (CityWifiReport)GetOrCompute("wifi", city, month, () => ComputeWifi(city, month));

    private object GetOrCompute(string kind, CityRecord city, string month, Func<object> compute)
    {
        var key = (kind, city.Ibge, month);
        var version = ingestor.CityVersion(city.Ibge);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var c) && c.RegistryVersion == registry.Version
            && (now - c.At < Fresh || (c.DataVersion == version && (!c.MonthOpen || now - c.At < OpenMonthMaxAge))))
        {
            return c.Value;
        }
        var value = compute();
        if (_cache.Count >= MaxCached)
        {
            DropOlderHalf();
        }
        _cache[key] = new Cached(value, version, registry.Version, now, now < LocalMonth.Parse(month, city.TimeZone).End);
        return value;
    }

    private void DropOlderHalf()
    {
        var entries = _cache.ToArray();
        Array.Sort(entries, static (a, b) => a.Value.At.CompareTo(b.Value.At));
        for (var i = 0; i < entries.Length / 2 + 1; i++)
        {
            _cache.TryRemove(entries[i].Key, out _);
        }
    }

    /// <summary>The luminaire months kept up to date as telemetry arrives (for tests and the counters).</summary>
    internal SavingsStreams SavingsStreams { get; } = new(store, time);

    private CitySavings ComputeSavings(CityRecord city, string month)
    {
        var m = LocalMonth.Parse(month, city.TimeZone);
        var now = time.GetUtcNow();
        return SavingsStreams.With(city, m, registry.Version, ReadWindow(m).To, maxId => ReadLuminaires(city, m, maxId),
            (device, maxId) => ReadLuminaires(city, m, maxId, device).GetValueOrDefault(device),
            energies => SavingsCalculator.Aggregate(city, m, city.Luminaires, energies, city.Adjustments, now < m.End ? now : null));
    }

    /// <summary>
    /// The month of each of the city's luminaires (or only of <paramref name="only"/>) from its stored readings with ids
    /// up to <paramref name="maxId"/>. One luminaire is read from its first reading in the window on (its daily
    /// roll-ups say where): one that starts reporting during a roll-out costs the days since, not the city's month.
    /// </summary>
    private Dictionary<string, LuminaireMonth> ReadLuminaires(CityRecord city, LocalMonth m, long maxId, string? only = null)
    {
        var (from, to) = ReadWindow(m);
        var fromDate = LocalDate(from, m);
        var toDate = LocalDate(to, m);
        var raw = only is null ? store.EnergyReadings(city.Ibge, from, to, maxId)
            : store.FirstReadingBetween(only, fromDate, toDate) is { } firstTs ? store.EnergyReadings(city.Ibge, firstTs > from ? firstTs : from, to, maxId, only)
            : [];
        var now = time.GetUtcNow();
        var energies = new Dictionary<string, LuminaireMonth>(StringComparer.Ordinal);
        EnergyReading[]? buffer = null;
        // a luminaire silent for longer than the read window has its readings around the month found through its daily
        // roll-ups, one query each; the city's roll-up dates say at once whether any such reading can exist (a city
        // still being installed, a month before its fleet reported: thousands of luminaires without a query each)
        var dates = store.RollupDateRange(city.Ibge);
        var anyBefore = dates is { } d0 && string.CompareOrdinal(d0.First, fromDate) < 0;
        var anyAfter = m.End < now && dates is { } d1 && string.CompareOrdinal(d1.Last, toDate) >= 0;
        using var lookup = anyBefore || anyAfter ? store.LookupReadings(city.Ibge) : null;
        foreach (var lum in city.Luminaires)
        {
            if (energies.ContainsKey(lum.Id) || (only is not null && lum.Id != only))
            {
                continue;
            }
            var list = raw.GetValueOrDefault(lum.Id) ?? [];
            // the month's readings plus the last one before and the first one after, so edge steps are counted
            if (anyBefore && !list.Exists(r => r.Ts < m.Start) && lookup!.Before(lum.Id, fromDate) is { } before)
            {
                list.Insert(0, before);
            }
            if (anyAfter && !list.Exists(r => r.Ts >= m.End) && lookup!.From(lum.Id, toDate) is { } after)
            {
                list.Add(after);
            }
            var first = list.FindIndex(r => r.Ts >= m.Start);
            var last = list.FindLastIndex(r => r.Ts < m.End);
            if (first < 0 && last < 0)
            {
                continue;
            }
            var start = Math.Max(0, (first < 0 ? list.Count : first) - 1);
            var end = Math.Min(list.Count - 1, last + 1);
            if (LuminaireMonth.FromReadings(lum.Id, m, list.GetRange(start, end - start + 1), ref buffer) is { } energy)
            {
                energies[lum.Id] = energy;
            }
        }
        return energies;
    }

    /// <summary>The readings a savings month reads: the month and 3 days on each side (a month's edge steps and gaps).</summary>
    private static (DateTimeOffset From, DateTimeOffset To) ReadWindow(LocalMonth m) => (m.Start.AddDays(-3), m.End.AddDays(3));

    private static string LocalDate(DateTimeOffset t, LocalMonth m) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, m.Zone).DateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private CityWifiReport ComputeWifi(CityRecord city, string month)
    {
        var m = LocalMonth.Parse(month, city.TimeZone);
        var from = m.Start.AddMinutes(-30);
        return WifiStreams.With(city, m, registry.Version, from, m.End, maxId => store.WifiSamples(city.Ibge, from, m.End, maxId),
            samples => ComputeWifi(city, month, m, samples));
    }

    /// <summary>The Wi-Fi samples kept up to date as telemetry arrives (for tests and the counters).</summary>
    internal WifiStreams WifiStreams { get; } = new(store, time);

    private CityWifiReport ComputeWifi(CityRecord city, string month, LocalMonth m, Dictionary<string, List<WifiSample>> samples)
    {
        var statuses = store.StatusLog(city.Ibge, null, m.Start.AddDays(-1), m.End)
            .Where(s => s.Kind == "hotspot")
            .GroupBy(s => s.Device)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<StatusChange>)g.Select(s => new StatusChange(s.Ts ?? s.ReceivedAt, s.State == "online")).OrderBy(s => s.Ts).ToList(), StringComparer.Ordinal);
        var points = samples.Select(kv => new WifiPointInput(kv.Key, kv.Value, statuses.GetValueOrDefault(kv.Key))).ToList();
        var interval = InferInterval(samples.Values);
        var now = time.GetUtcNow();
        return WifiCompliance.Compute(city, month, points, interval, now < m.End ? now : null);
    }

    /// <summary>The points' reporting interval: the median gap between consecutive samples (60 s when unknown).</summary>
    internal static TimeSpan InferInterval(IEnumerable<List<WifiSample>> series)
    {
        var gaps = new List<long>();
        foreach (var s in series)
        {
            for (var i = 1; i < s.Count && gaps.Count < 5000; i++)
            {
                var gap = (s[i].Ts - s[i - 1].Ts).Ticks;
                if (gap > 0)
                {
                    gaps.Add(gap);
                }
            }
        }
        if (gaps.Count == 0)
        {
            return TimeSpan.FromSeconds(60);
        }
        gaps.Sort();
        return TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, gaps[gaps.Count / 2]));
    }
}
