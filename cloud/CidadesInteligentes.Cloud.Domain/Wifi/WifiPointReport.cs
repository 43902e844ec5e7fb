namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>
/// One point's month. <see cref="Availability"/> is a fraction (0.95 = 95 %) of the minutes in the period.
/// <see cref="Failed"/> names the thresholds missed: availability, medianDownMbps, p95LatencyMs, portal, use.
/// </summary>
public sealed class WifiPointReport
{
    public required string Device { get; init; }
    public required string Name { get; init; }
    public double Availability { get; init; }
    public int UpMinutes { get; init; }
    public int DownMinutes { get; init; }
    public int NoDataMinutes { get; init; }
    public int PortalDownMinutes { get; init; }
    public int MinutesInPeriod { get; init; }
    public double? MedianDownMbps { get; init; }
    public double? MedianUpMbps { get; init; }
    public double? P95LatencyMs { get; init; }
    public double? MeanLossPercent { get; init; }
    public int MaxClients { get; init; }
    public int DaysUsed { get; init; }
    public int DaysInPeriod { get; init; }
    public bool Compliant { get; init; }
    public IReadOnlyList<string> Failed { get; init; } = [];
    public IReadOnlyList<WifiOutage> Outages { get; init; } = [];
    public IReadOnlyList<WifiTimelineSpan> Timeline { get; init; } = [];
}
