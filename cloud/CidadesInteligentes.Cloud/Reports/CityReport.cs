using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Wifi;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// One city's monthly report: the savings (M&amp;V) and Wi-Fi compliance results exactly as the domain engines
/// computed them, plus who and when. Built by <see cref="ReportBuilder"/>; immutable.
/// </summary>
public sealed record CityReport : IReport
{
    public string Scope => ReportScopes.City;

    string? IReport.City => Ibge;

    public required string Ibge { get; init; }

    public required string Name { get; init; }

    public required string Month { get; init; }

    /// <summary>IANA zone the month and the times shown in the report are local to.</summary>
    public required string TimeZone { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public bool ExampleValues { get; init; }

    public required CitySavings Savings { get; init; }

    public required CityWifiReport Wifi { get; init; }

    /// <summary>The city verdict: at least the required number of Wi-Fi points met every threshold.</summary>
    public bool Compliant => Wifi.Compliant;

    /// <summary>SHA-256 of the telemetry the Wi-Fi verdict was computed from (from the compliance engine).</summary>
    public string WifiInputDigest => Wifi.Digest;

    public required string Digest { get; init; }
}
