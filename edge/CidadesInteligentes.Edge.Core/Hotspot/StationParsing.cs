using System.Globalization;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Small helpers shared by the station-list parsers.</summary>
internal static class StationParsing
{
    public static bool IsMac(ReadOnlySpan<char> text)
    {
        if (text.Length != 17)
        {
            return false;
        }
        for (var i = 0; i < 17; i++)
        {
            var ok = i % 3 == 2 ? text[i] == ':' : char.IsAsciiHexDigit(text[i]);
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Leading integer of a value such as "-42 [-42, -44] dBm" or "304 ms".</summary>
    public static long? LeadingInteger(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        var end = 0;
        while (end < value.Length && (char.IsAsciiDigit(value[end]) || (end == 0 && value[end] == '-')))
        {
            end++;
        }
        return long.TryParse(value[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;
    }
}
