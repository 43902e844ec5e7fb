using System.Text;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>Renders a <see cref="CityReport"/> or <see cref="StateReport"/> as JSON, CSV or printable HTML.</summary>
public static class ReportRenderer
{
    /// <summary>Indented UTF-8 JSON, camelCase, fixed property order, invariant numbers, UTC times.</summary>
    public static string RenderJson(IReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Encoding.UTF8.GetString(ReportJson.Write(report, envelope: true, indented: true));
    }

    /// <summary>RFC 4180 CSV in named sections (see docs/reports.md); invariant numbers.</summary>
    public static string RenderCsv(IReport report) => report switch
    {
        CityReport c => ReportCsv.City(c),
        StateReport s => ReportCsv.State(s),
        null => throw new ArgumentNullException(nameof(report)),
        _ => throw new ArgumentException($"unknown report type {report.GetType().Name}", nameof(report)),
    };

    /// <summary>Printable A4 HTML with inline CSS only.</summary>
    /// <param name="culture"><c>pt-BR</c> (default) or <c>en</c>.</param>
    public static string RenderHtml(IReport report, string culture = "pt-BR") => report switch
    {
        CityReport c => ReportHtml.City(c, culture),
        StateReport s => ReportHtml.State(s, culture),
        null => throw new ArgumentNullException(nameof(report)),
        _ => throw new ArgumentException($"unknown report type {report.GetType().Name}", nameof(report)),
    };

    /// <summary>UTF-8 bytes of the text formats (<c>html</c>, <c>csv</c>, <c>json</c>); PDF goes through <see cref="PdfRenderer"/>.</summary>
    public static byte[] RenderText(IReport report, string format, string culture = "pt-BR") => format switch
    {
        ReportFormats.Json => Encoding.UTF8.GetBytes(RenderJson(report)),
        ReportFormats.Csv => Encoding.UTF8.GetBytes(RenderCsv(report)),
        ReportFormats.Html => Encoding.UTF8.GetBytes(RenderHtml(report, culture)),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "text report formats are html, csv and json"),
    };
}
