namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>
/// A city's Wi-Fi verdict for a month: compliant when at least <see cref="RequiredPoints"/> points meet every
/// threshold. <see cref="Digest"/> is the SHA-256 (lowercase hex) of the canonical input, so an auditor can check
/// the verdict was computed from the same telemetry.
/// </summary>
public sealed class CityWifiReport
{
    public required string Ibge { get; init; }
    public required string Month { get; init; }
    public bool Compliant { get; init; }
    public int CompliantPoints { get; init; }
    public int RequiredPoints { get; init; }

    /// <summary>Minutes with data ÷ (registered points × minutes in the period).</summary>
    public double Completeness { get; init; }

    public required string Digest { get; init; }
    public IReadOnlyList<WifiPointReport> Points { get; init; } = [];
}
