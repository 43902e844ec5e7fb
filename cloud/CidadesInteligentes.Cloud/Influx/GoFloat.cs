using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// Writes a double the way the reference line-protocol encoder does (Go's <c>%g</c> with the shortest round-trip
/// digits): plain notation for decimal exponents −4…5, exponent form otherwise, with a signed two-digit-minimum
/// exponent. Examples: 1 → <c>1</c>, 12.123 → <c>12.123</c>, 6632243 → <c>6.632243e+06</c>
/// (decimal exponent 6 reaches the threshold), 0.0001 → <c>0.0001</c>, 0.00001 → <c>1e-05</c>.
/// </summary>
internal static class GoFloat
{
    public static void Append(StringBuilder text, double value)
    {
        // .NET's "R" already gives the shortest digits that round-trip; only the layout differs from Go.
        Span<char> buffer = stackalloc char[32];
        value.TryFormat(buffer, out var length, "R", CultureInfo.InvariantCulture);
        ReadOnlySpan<char> shortest = buffer[..length];
        Span<char> digits = stackalloc char[24];
        var count = 0;
        var negative = false;
        var pointAt = -1;
        var exponent = 0;
        for (var i = 0; i < shortest.Length; i++)
        {
            var c = shortest[i];
            if (c == '-')
            {
                negative = true;
            }
            else if (c == '.')
            {
                pointAt = count;
            }
            else if (c is 'E' or 'e')
            {
                exponent = int.Parse(shortest[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                digits[count++] = c;
            }
        }
        if (pointAt < 0)
        {
            pointAt = count;
        }
        // strip leading zeros (0.0001 → digits "00001") and trailing zeros (100 → "1", point stays at 3)
        var start = 0;
        while (start < count - 1 && digits[start] == '0')
        {
            start++;
            pointAt--;
        }
        var end = count;
        while (end > start + 1 && digits[end - 1] == '0')
        {
            end--;
        }
        var d = digits[start..end];
        var decimalPoint = pointAt + exponent; // value = 0.d × 10^decimalPoint
        if (negative)
        {
            text.Append('-');
        }
        if (d is ['0'])
        {
            text.Append('0');
            return;
        }
        var exp = decimalPoint - 1;
        if (exp < -4 || exp >= 6)
        {
            AppendExponent(text, d, exp);
        }
        else
        {
            AppendPlain(text, d, decimalPoint);
        }
    }

    private static void AppendExponent(StringBuilder text, ReadOnlySpan<char> d, int exp)
    {
        text.Append(d[0]);
        if (d.Length > 1)
        {
            text.Append('.').Append(d[1..]);
        }
        text.Append('e').Append(exp < 0 ? '-' : '+');
        var abs = Math.Abs(exp);
        if (abs < 10)
        {
            text.Append('0');
        }
        text.Append(abs.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendPlain(StringBuilder text, ReadOnlySpan<char> d, int decimalPoint)
    {
        if (decimalPoint <= 0)
        {
            text.Append("0.").Append('0', -decimalPoint).Append(d);
        }
        else if (decimalPoint >= d.Length)
        {
            text.Append(d).Append('0', decimalPoint - d.Length);
        }
        else
        {
            text.Append(d[..decimalPoint]).Append('.').Append(d[decimalPoint..]);
        }
    }
}
