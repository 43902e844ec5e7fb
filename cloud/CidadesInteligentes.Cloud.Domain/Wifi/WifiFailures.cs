namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>Names of the thresholds a point can miss (values of <see cref="WifiPointReport.Failed"/>).</summary>
public static class WifiFailures
{
    public const string Availability = "availability";
    public const string MedianDownMbps = "medianDownMbps";
    public const string P95LatencyMs = "p95LatencyMs";
    public const string Portal = "portal";
    public const string Use = "use";
    public const string NotRegistered = "notRegistered";
}
