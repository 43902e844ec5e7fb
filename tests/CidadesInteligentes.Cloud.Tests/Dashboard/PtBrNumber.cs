using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>Reads a number the page formatted with pt-BR rules ("R$ 1.234,56", "12,5 %", "—" for none).</summary>
internal static class PtBrNumber
{
    public static double? Parse(string text)
    {
        var b = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                b.Append(c);
            }
            else if (c == ',')
            {
                b.Append('.');
            }
            else if ((c == '-' || c == '\u2212') && b.Length == 0)
            {
                b.Append('-');
            }
            // '.' is the thousands separator; currency symbols, spaces and units are dropped
        }
        var s = b.ToString();
        return s.Length == 0 || s == "-" ? null : double.Parse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    /// <summary>Half a unit of the last shown digit: "1.234,5" → 0.05, "12" → 0.5.</summary>
    public static double HalfUnitOfLastDigit(string text)
    {
        var comma = text.LastIndexOf(',');
        if (comma < 0)
        {
            return 0.5;
        }
        var decimals = 0;
        for (var i = comma + 1; i < text.Length && char.IsAsciiDigit(text[i]); i++)
        {
            decimals++;
        }
        return 0.5 * Math.Pow(10, -decimals);
    }
}
