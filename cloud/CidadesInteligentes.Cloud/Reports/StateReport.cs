using CidadesInteligentes.Cloud.Domain.Energy;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// The programme's monthly report: summed savings (<see cref="StateSavings.Aggregate"/>), one row per city and the
/// cities that failed the Wi-Fi obligation. Compliant only when every city is.
/// </summary>
public sealed record StateReport : IReport
{
    public string Scope => ReportScopes.State;

    string? IReport.City => null;

    public required string Month { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public bool ExampleValues { get; init; }

    public required StateSavings Savings { get; init; }

    /// <summary>Cities in IBGE order.</summary>
    public IReadOnlyList<StateCityRow> Cities { get; init; } = [];

    /// <summary>Cities whose Wi-Fi verdict is "not compliant", in IBGE order.</summary>
    public IReadOnlyList<StateCityRow> FailingCities { get; init; } = [];

    public int CompliantCities => Cities.Count - FailingCities.Count;

    public bool Compliant => FailingCities.Count == 0;

    public required string Digest { get; init; }
}
