namespace CidadesInteligentes.Cloud.Reports;

/// <summary>What every monthly report has: the fields of a report list entry (docs/api.md).</summary>
public interface IReport
{
    /// <summary><see cref="ReportScopes.City"/> or <see cref="ReportScopes.State"/>.</summary>
    string Scope { get; }

    /// <summary>IBGE code of the city, or null for the state report.</summary>
    string? City { get; }

    /// <summary><c>YYYY-MM</c>.</summary>
    string Month { get; }

    DateTimeOffset GeneratedAt { get; }

    bool Compliant { get; }

    /// <summary>True when any registry figure behind the report is an example value, not official data.</summary>
    bool ExampleValues { get; }

    /// <summary>SHA-256 (lowercase hex) of the report content without <see cref="GeneratedAt"/>; see <see cref="ReportDigest"/>.</summary>
    string Digest { get; }
}
