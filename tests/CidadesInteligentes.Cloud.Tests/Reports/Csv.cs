using System.Text;

namespace CidadesInteligentes.Cloud.Tests.Reports;

/// <summary>An independent RFC 4180 reader for the tests, plus the report's section layout (name line, header, rows, blank line).</summary>
internal static class Csv
{
    public static List<List<string>> Records(string text)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields);
                fields = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }
        return records;
    }

    /// <summary>Section name → rows as header → value maps.</summary>
    public static Dictionary<string, List<Dictionary<string, string>>> Sections(string text)
    {
        var result = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        var records = Records(text);
        var i = 0;
        while (i < records.Count)
        {
            var name = records[i++].Single();
            var header = records[i++];
            var rows = new List<Dictionary<string, string>>();
            while (i < records.Count && !(records[i].Count == 1 && records[i][0].Length == 0))
            {
                var r = records[i++];
                if (r.Count != header.Count)
                {
                    throw new FormatException($"section {name}: {r.Count} fields, header has {header.Count}");
                }
                rows.Add(header.Zip(r).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
            }
            i++; // the blank line
            result.Add(name, rows);
        }
        return result;
    }
}
