using System.Text.Json;

namespace CidadesInteligentes.Cloud.Influx;

/// <summary>One series of an InfluxQL result: name, group-by tags, columns and rows.</summary>
public sealed record InfluxSeries(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Rows)
{
    /// <summary>The values of column <paramref name="column"/>, row by row.</summary>
    public IEnumerable<JsonElement> Column(string column)
    {
        var i = Columns.ToList().IndexOf(column);
        if (i < 0)
        {
            throw new KeyNotFoundException($"Series '{Name}' has no column '{column}'; it has {string.Join(", ", Columns)}.");
        }
        return Rows.Select(r => r[i]);
    }
}
