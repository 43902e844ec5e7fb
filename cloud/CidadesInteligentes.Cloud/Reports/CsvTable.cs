using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>RFC 4180 output: CRLF line ends, a field quoted when it holds a comma, quote, CR or LF (quotes doubled).</summary>
internal sealed class CsvTable
{
    private readonly StringBuilder _text = new();
    private bool _lineStarted;

    /// <summary>A section: a blank line before all but the first, then its name alone on a line, then the header.</summary>
    public void Section(string name, params string[] header)
    {
        if (_text.Length > 0)
        {
            _text.Append("\r\n");
        }
        Row(name);
        Row(header);
    }

    public void Row(params string?[] fields)
    {
        foreach (var f in fields)
        {
            Field(f);
        }
        End();
    }

    public CsvTable Field(string? value)
    {
        if (_lineStarted)
        {
            _text.Append(',');
        }
        _lineStarted = true;
        value ??= "";
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _text.Append(value);
        }
        else
        {
            _text.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        return this;
    }

    public CsvTable Field(double? value) => Field(Number(value));

    public CsvTable Field(long value) => Field(value.ToString(CultureInfo.InvariantCulture));

    public CsvTable Field(bool value) => Field(value ? "true" : "false");

    public void End()
    {
        _text.Append("\r\n");
        _lineStarted = false;
    }

    public override string ToString() => _text.ToString();

    /// <summary>Shortest round-trip invariant form (the JSON's); empty when absent.</summary>
    public static string Number(double? value) =>
        value is { } v && double.IsFinite(v) ? (v == 0 ? 0d : v).ToString("R", CultureInfo.InvariantCulture) : "";
}
