namespace CidadesInteligentes.Cloud.Reports;

/// <summary>A month's reports: one per city and the state's. A scheduler alerts when <see cref="AllCompliant"/> is false.</summary>
public sealed class ReportSet
{
    public required string Month { get; init; }

    /// <summary>City reports in IBGE order.</summary>
    public required IReadOnlyList<CityReport> Cities { get; init; }

    public required StateReport State { get; init; }

    public bool AllCompliant => State.Compliant;

    /// <summary>Exit code of a report run that produced every report: 0 when all cities comply, else
    /// <see cref="NotCompliantExitCode"/> so a scheduler alerts (1 stays free for "the run itself failed").</summary>
    public const int NotCompliantExitCode = 2;

    public int ExitCode => AllCompliant ? 0 : NotCompliantExitCode;

    /// <summary>Every report of the set, cities first, then the state.</summary>
    public IEnumerable<IReport> All => [.. Cities, State];
}
