namespace CidadesInteligentes.Cloud.Influx;

public sealed partial class LineProtocolWriter
{
    public static long ToTimestamp(DateTimeOffset time, InfluxPrecision precision)
    {
        // UnixEpoch ticks are 100 ns: 2026-11-22T12:00:00Z is 1_795_348_800 s = 1_795_348_800_000_000_000 ns
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return precision switch
        {
            InfluxPrecision.Nanoseconds => ticks * 100,
            InfluxPrecision.Microseconds => ticks / 10,
            InfluxPrecision.Milliseconds => ticks / TimeSpan.TicksPerMillisecond,
            _ => ticks / TimeSpan.TicksPerSecond,
        };
    }

    public static string PrecisionText(InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Nanoseconds => "ns",
        InfluxPrecision.Microseconds => "u",
        InfluxPrecision.Milliseconds => "ms",
        _ => "s",
    };

    // Only the special characters get a backslash. A backslash already in the text stays single: readers take "\X" as
    // an escape only when X is special, so "a\b" reads back as itself and "a\=b" is written "a\\=b" (a literal
    // backslash, then an escaped '='). A trailing backslash would swallow the separator, so Begin/Tag/Field reject it.
    private void AppendEscaped(string s, bool escapeEquals)
    {
        foreach (var c in s)
        {
            if (IsSpecial(c, escapeEquals))
            {
                _text.Append('\\');
            }
            _text.Append(c);
        }
    }

    private static bool IsSpecial(char c, bool escapeEquals) => c is ',' or ' ' || (escapeEquals && c == '=');

    private static void RejectUnwritable(string s, string what)
    {
        if (s.EndsWith('\\'))
        {
            throw new ArgumentException($"A {what} cannot end with a backslash: '{s}'", what);
        }
        if (s.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new ArgumentException($"A {what} cannot contain a line break: '{s}'", what);
        }
    }
}
