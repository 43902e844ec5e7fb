using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Tests.Influx;

/// <summary>
/// A strict reader of one line, used only to prove the writer's escaping is unambiguous. A backslash escapes the
/// next character only when that character is special in its context; otherwise it stands for itself. String field
/// values are returned unescaped and re-quoted; other field values are returned as written.
/// </summary>
internal static class LineReader
{
    public sealed record Line(string Measurement, List<(string, string)> Tags, List<(string, string)> Fields, long Time);

    public static Line Read(string line)
    {
        var i = 0;
        var measurement = Token(line, ref i, [',', ' ']);
        var tags = new List<(string, string)>();
        while (line[i] == ',')
        {
            i++;
            var key = Token(line, ref i, ['=', ',', ' ']);
            Expect(line, ref i, '=');
            tags.Add((key, Token(line, ref i, ['=', ',', ' '])));
        }
        Expect(line, ref i, ' ');
        var fields = new List<(string, string)>();
        while (true)
        {
            var key = Token(line, ref i, ['=', ',', ' ']);
            Expect(line, ref i, '=');
            fields.Add((key, line[i] == '"' ? QuotedString(line, ref i) : Token(line, ref i, [',', ' '])));
            if (line[i] == ' ')
            {
                break;
            }
            Expect(line, ref i, ',');
        }
        Expect(line, ref i, ' ');
        return new Line(measurement, tags, fields, long.Parse(line.AsSpan(i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    private static string Token(string line, ref int i, char[] stops)
    {
        var text = new StringBuilder();
        while (i < line.Length && Array.IndexOf(stops, line[i]) < 0)
        {
            if (line[i] == '\\' && i + 1 < line.Length && Array.IndexOf(stops, line[i + 1]) >= 0)
            {
                i++;
            }
            text.Append(line[i++]);
        }
        if (text.Length == 0)
        {
            throw new FormatException($"empty token at {i} in: {line}");
        }
        return text.ToString();
    }

    private static string QuotedString(string line, ref int i)
    {
        var text = new StringBuilder("\"");
        i++;
        while (line[i] != '"')
        {
            if (line[i] == '\\' && line[i + 1] is '"' or '\\')
            {
                i++;
            }
            text.Append(line[i++]);
        }
        i++;
        return text.Append('"').ToString();
    }

    private static void Expect(string line, ref int i, char c)
    {
        if (i >= line.Length || line[i] != c)
        {
            throw new FormatException($"expected '{c}' at {i} in: {line}");
        }
        i++;
    }
}
