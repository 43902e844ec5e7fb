using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// Printable HTML (A4, inline CSS, no external asset) for a city or the state. Every string that comes from data is
/// HTML-encoded; numbers and times follow the chosen culture.
/// </summary>
internal sealed partial class ReportHtml
{
    private const string Css = """
        @page { size: A4; margin: 14mm 12mm; }
        * { box-sizing: border-box; }
        body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #1b1b1b; margin: 0 auto; max-width: 190mm; }
        h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
        .meta { color: #444; margin: 0 0 3mm; }
        .verdict { padding: 3mm 4mm; font-size: 14pt; font-weight: bold; color: #fff; border-radius: 2mm; }
        .verdict small { display: block; font-size: 10pt; font-weight: normal; color: inherit; }
        .ok { background: #1b7a35; } .fail { background: #b3261e; }
        .example { border: 1px solid #c77700; background: #fff4e0; padding: 2mm 3mm; margin: 3mm 0; }
        table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
        th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
        td.n { text-align: right; white-space: nowrap; }
        th { background: #eee; }
        table.dense { font-size: 8pt; } #points td:nth-child(2) { width: 30%; }
        small { font-size: 7.5pt; color: #444; }
        tr { page-break-inside: avoid; break-inside: avoid; }
        .digest { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
        .legend span { display: inline-block; margin-right: 4mm; }
        .sw { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: middle; }
        svg { display: block; }
        @media print {
          body { max-width: none; }
          .verdict, .sw, th, .example, svg rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          h2 { page-break-after: avoid; break-after: avoid; }
        }
        """;

    private readonly StringBuilder _html = new();
    private readonly ReportText _t;
    private readonly HtmlFormat _f;

    private ReportHtml(ReportText text, HtmlFormat format)
    {
        _t = text;
        _f = format;
    }

    private void Open(string title)
    {
        _html.Append("<!DOCTYPE html>\n<html lang=\"").Append(_t.Lang).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
            .Append(HtmlFormat.Encode(title)).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
    }

    private string Close()
    {
        _html.Append("</body>\n</html>\n");
        return _html.ToString();
    }

    private void Verdict(bool compliant, string detail) =>
        _html.Append("<div class=\"verdict ").Append(compliant ? "ok" : "fail").Append("\" id=\"verdict\">")
            .Append(compliant ? _t.Compliant : _t.NotCompliant).Append("<small>").Append(HtmlFormat.Encode(detail))
            .Append("</small></div>\n");

    private void ExampleNote(bool example)
    {
        if (example)
        {
            _html.Append("<p class=\"example\" id=\"example-values\">").Append(HtmlFormat.Encode(_t.Example)).Append("</p>\n");
        }
    }

    private void Digests(string digest, string? wifiDigest)
    {
        _html.Append("<h2>SHA-256</h2>\n<table>\n");
        if (wifiDigest is not null)
        {
            Row(_t.WifiDigest, "<span class=\"digest\" id=\"wifi-digest\">" + HtmlFormat.Encode(wifiDigest) + "</span>");
        }
        Row(_t.Digest, "<span class=\"digest\" id=\"digest\">" + HtmlFormat.Encode(digest) + "</span>");
        _html.Append("</table>\n<p class=\"meta\">").Append(HtmlFormat.Encode(_t.DigestNote)).Append("</p>\n");
    }

    /// <summary>A label / value row; <paramref name="valueHtml"/> is already encoded.</summary>
    private void Row(string label, string valueHtml, bool numeric = false) =>
        _html.Append("<tr><th scope=\"row\">").Append(HtmlFormat.Encode(label)).Append("</th><td")
            .Append(numeric ? " class=\"n\"" : "").Append('>').Append(valueHtml).Append("</td></tr>\n");

    private void Header(params string[] labels)
    {
        _html.Append("<tr>");
        foreach (var l in labels)
        {
            _html.Append("<th>").Append(HtmlFormat.Encode(l)).Append("</th>");
        }
        _html.Append("</tr>\n");
    }

    private void Cell(string text, bool numeric = false) =>
        _html.Append(numeric ? "<td class=\"n\">" : "<td>").Append(HtmlFormat.Encode(text)).Append("</td>");

    private string Format(string pattern, params object[] args) => string.Format(CultureInfo.InvariantCulture, pattern, args);
}
