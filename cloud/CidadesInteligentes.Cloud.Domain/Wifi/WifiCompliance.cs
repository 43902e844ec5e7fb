using CidadesInteligentes.Cloud.Domain.Registry;

namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>
/// Wi-Fi compliance for a city-month (docs/domain.md): per-minute availability (reported up / reported down /
/// no data), throughput, latency, loss, use, outages, the point and city verdicts and the input digest.
/// </summary>
public static class WifiCompliance
{
    /// <param name="city">Registry city: its Wi-Fi points, thresholds and required number of points.</param>
    /// <param name="month"><c>YYYY-MM</c> in the city's time zone.</param>
    /// <param name="points">Telemetry per device; devices not registered as Wi-Fi points of the city are ignored.</param>
    /// <param name="interval">The points' telemetry interval (default 60 s); a report stays valid for 2 intervals.</param>
    /// <param name="until">End the period early (the current month so far); null = the whole month.</param>
    public static CityWifiReport Compute(
        CityRecord city,
        string month,
        IReadOnlyList<WifiPointInput> points,
        TimeSpan? interval = null,
        DateTimeOffset? until = null)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentNullException.ThrowIfNull(points);
        var m = LocalMonth.Parse(month, city.TimeZone);
        var endTicks = until is { } u && u < m.End ? Math.Max(u.UtcTicks, m.Start.UtcTicks) : m.End.UtcTicks;
        var minutes = (int)((endTicks - m.Start.UtcTicks) / TimeSpan.TicksPerMinute);
        var validity = (interval ?? TimeSpan.FromSeconds(60)).Ticks * 2;
        var byDevice = new Dictionary<string, WifiPointInput>(StringComparer.Ordinal);
        foreach (var p in points)
        {
            byDevice[p.Device] = p;
        }
        var registered = city.WifiPoints.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var thresholds = city.WifiThresholds ?? new WifiThresholds();
        var period = new WifiPeriod(m, minutes, validity);
        var digest = new WifiDigest(city.Ibge, m.Label, m.Start.UtcTicks, minutes, validity);
        var reports = new List<WifiPointReport>(registered.Count);
        long dataMinutes = 0;
        var states = new byte[minutes];
        foreach (var point in registered)
        {
            var input = byDevice.GetValueOrDefault(point.Id);
            var samples = WifiPointAnalyzer.Prepare(input?.Samples);
            var statuses = (input?.Statuses ?? []).OrderBy(s => s.Ts).ThenBy(s => s.Online).ToArray();
            digest.AddPoint(point.Id, samples, statuses);
            var report = WifiPointAnalyzer.Analyze(point, samples, statuses, period, thresholds, states);
            dataMinutes += report.MinutesInPeriod - report.NoDataMinutes;
            reports.Add(report);
        }
        var compliantPoints = reports.Count(r => r.Compliant);
        var required = city.RequiredWifiPoints;
        return new CityWifiReport
        {
            Ibge = city.Ibge,
            Month = m.Label,
            CompliantPoints = compliantPoints,
            RequiredPoints = required,
            Compliant = compliantPoints >= required,
            Completeness = registered.Count == 0 || minutes == 0 ? 0 : dataMinutes / ((double)registered.Count * minutes),
            Digest = digest.Finish(),
            Points = reports,
        };
    }
}
