namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>Quality a Wi-Fi point must meet in a month. Ratios are fractions (0.95 = 95 %).</summary>
public sealed class WifiThresholds
{
    /// <summary>Up minutes ÷ minutes in the period, at least.</summary>
    public double MinAvailability { get; set; } = 0.95;

    public double MinMedianDownMbps { get; set; } = 10;

    public double MaxP95LatencyMs { get; set; } = 150;

    /// <summary>When true, portal-down minutes may not exceed the unavailability budget (1 − MinAvailability).</summary>
    public bool RequirePortal { get; set; } = true;

    /// <summary>Days with at least one client ÷ days in the period, at least.</summary>
    public double MinUsedDays { get; set; } = 0.5;
}
