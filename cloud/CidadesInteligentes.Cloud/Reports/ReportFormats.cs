namespace CidadesInteligentes.Cloud.Reports;

/// <summary>The formats a report is stored in; names are the file extensions of <c>/api/reports/{id}.{format}</c>.</summary>
public static class ReportFormats
{
    public const string Html = "html";
    public const string Csv = "csv";
    public const string Json = "json";
    public const string Pdf = "pdf";

    public static IReadOnlyList<string> All { get; } = [Html, Csv, Json, Pdf];

    public static string ContentType(string format) => format switch
    {
        Html => "text/html; charset=utf-8",
        Csv => "text/csv; charset=utf-8",
        Json => "application/json; charset=utf-8",
        Pdf => "application/pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown report format"),
    };
}
