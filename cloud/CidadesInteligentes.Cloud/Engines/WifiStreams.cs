using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Engines;

/// <summary>
/// The Wi-Fi samples of the city-months readers ask for, kept up to date as telemetry arrives: reading a city-month's
/// hotspot samples was most of a compliance refresh (216,000 samples per city-month at one a minute; about 0.85 µs a
/// sample from <c>wifi_samples</c>, 1.6 µs and more from the telemetry payloads before it). Each sample that arrives is put into its point's list in seq order, as a
/// whole read sorts them; a point that was not in the month when it was read makes the month stale (its place among the
/// points, which the interval inference reads in order, is a whole read's).
/// </summary>
internal sealed class WifiStreams(SqliteStore store, TimeProvider time)
    : CityMonthStreams<WifiStreams.Month, WifiSample>(time)
{
    /// <summary>Samples held at most (about 100 bytes each).</summary>
    internal override long MaxHeld { get; set; } = 4_000_000;

    /// <summary>A city-month's samples by point, and its read window [from, to).</summary>
    internal sealed record Month(Dictionary<string, List<WifiSample>> Samples, long FromTicks, long ToTicks);

    /// <summary>Runs <paramref name="use"/> on the city-month's samples, reading them whole over [from, to) when needed.</summary>
    public T With<T>(CityRecord city, LocalMonth month, long registryVersion, DateTimeOffset from, DateTimeOffset to,
        Func<long, Dictionary<string, List<WifiSample>>> readWhole, Func<Dictionary<string, List<WifiSample>>, T> use) =>
        With(city, month, registryVersion, maxId => (new Month(readWhole(maxId), from.UtcTicks, to.UtcTicks), maxId), m => use(m.Samples));

    protected override long MaxRowId() => store.MaxTelemetryId();

    protected override List<(string City, string Device, WifiSample Row)> RowsBetween(long afterId, long upToId) => store.WifiSamplesBetween(afterId, upToId);

    protected override long SizeOf(Month data) => data.Samples.Values.Sum(l => (long)l.Count);

    protected override bool RowsTakeMemory => true;

    protected override bool Apply(Held month, string device, in WifiSample s)
    {
        var data = month.Data;
        var ts = s.Ts.UtcTicks;
        if (ts < data.FromTicks || ts >= data.ToTicks)
        {
            return false;
        }
        if (!data.Samples.TryGetValue(device, out var list))
        {
            Invalidate(month, $"{device} reported for the first time in {month.Month.Label}");
            return false;
        }
        if (list.Count == 0 || s.Seq > list[^1].Seq)
        {
            list.Add(s);
            return true;
        }
        var seq = s.Seq;
        var at = list.FindLastIndex(x => x.Seq < seq) + 1;
        if (at < list.Count && list[at].Seq == seq)
        {
            return false; // already in
        }
        list.Insert(at, s);
        return true;
    }
}
