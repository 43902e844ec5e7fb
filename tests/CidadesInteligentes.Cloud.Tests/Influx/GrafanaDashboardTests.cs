using System.Text.Json;
using System.Text.RegularExpressions;
using CidadesInteligentes.Cloud.Influx;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

/// <summary>
/// Every InfluxQL query of dashboards/grafana must name only measurements, fields and tags the sink writes
/// (<see cref="InfluxSchema"/>), and must run on a real influxd.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    [Fact]
    public void Every_dashboard_query_names_only_mapped_measurements_fields_and_tags()
    {
        var queries = DashboardQueries().ToList();
        Assert.True(queries.Count >= 8, $"expected the dashboard's queries, found {queries.Count}");
        var measurementsUsed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (where, query) in queries)
        {
            var problems = Check(query, measurementsUsed);
            Assert.True(problems.Count == 0, $"{where}: {query}\n  " + string.Join("\n  ", problems));
        }
        // the dashboard covers state energy, cities and Wi-Fi points
        Assert.Superset(new HashSet<string> { InfluxSchema.Luminaire, InfluxSchema.Hotspot }, measurementsUsed);
    }

    [Fact]
    public void The_checker_catches_a_misspelt_field_and_a_field_used_as_a_tag()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        Assert.Contains("field 'energyKwh' is not written to luminaire_telemetry",
            Check("SELECT last(\"energyKwh\") FROM \"luminaire_telemetry\" WHERE $timeFilter", used));
        Assert.Contains("'powerW' is not a tag of luminaire_telemetry",
            Check("SELECT last(\"energyWh\") FROM \"luminaire_telemetry\" GROUP BY \"powerW\"", used));
        Assert.Contains("measurement 'luminaires' is not written by the sink", Check("SELECT * FROM \"luminaires\"", used));
    }

    [Fact]
    public async Task Every_dashboard_query_runs_on_influxd()
    {
        await using var server = await InfluxServer.StartAsync();
        using var http = new HttpClient();
        var influx = new InfluxHttp(http, new InfluxSettings(server.Url, "ci"));
        await influx.CreateDatabaseAsync(CancellationToken.None);
        foreach (var (where, query) in DashboardQueries())
        {
            // what Grafana substitutes before sending
            var sent = query.Replace("$timeFilter", "time > now() - 1h", StringComparison.Ordinal)
                .Replace("$__interval", "1m", StringComparison.Ordinal)
                .Replace("$city", "3550308", StringComparison.Ordinal);
            var ex = await Record.ExceptionAsync(() => influx.QueryAsync(sent, CancellationToken.None));
            Assert.True(ex is null, $"{where}: {sent}\n{ex?.Message}");
        }
    }

    internal static List<string> Check(string query, HashSet<string> measurementsUsed)
    {
        var problems = new List<string>();
        var measurements = new List<InfluxMeasurement>();
        var aliases = new HashSet<string>(StringComparer.Ordinal);
        var uses = new List<(string Name, string Clause)>();
        var clause = "";
        var tokens = Token().Matches(query).Select(m => m.Value).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var upper = token.ToUpperInvariant();
            switch (upper)
            {
                case "SELECT": clause = "select"; continue;
                case "WHERE": clause = "where"; continue;
                case "GROUP": clause = "group"; continue;
                case "KEY": clause = "group"; continue;
                case "FROM":
                    if (i + 1 < tokens.Count && tokens[i + 1].StartsWith('"'))
                    {
                        var name = tokens[++i].Trim('"');
                        measurementsUsed.Add(name);
                        if (InfluxSchema.Measurements.TryGetValue(name, out var m))
                        {
                            measurements.Add(m);
                        }
                        else
                        {
                            problems.Add($"measurement '{name}' is not written by the sink");
                        }
                    }
                    clause = "from";
                    continue;
                case "AS":
                    aliases.Add(tokens[++i].Trim('"'));
                    continue;
            }
            if (token.StartsWith('"'))
            {
                uses.Add((token.Trim('"'), clause));
            }
        }
        var where = string.Join(", ", measurements.Select(m => m.Name));
        foreach (var (name, c) in uses)
        {
            var isField = aliases.Contains(name) || measurements.Any(m => m.Fields.ContainsKey(name));
            var isTag = measurements.Any(m => m.Tags.Contains(name));
            switch (c)
            {
                case "select" when !isField:
                    problems.Add($"field '{name}' is not written to {where}");
                    break;
                case "where" when !isField && !isTag:
                    problems.Add($"'{name}' is neither a field nor a tag of {where}");
                    break;
                case "group" when !isTag:
                    problems.Add($"'{name}' is not a tag of {where}");
                    break;
            }
        }
        return problems;
    }

    private static IEnumerable<(string Where, string Query)> DashboardQueries()
    {
        var dir = LocateDashboards();
        foreach (var file in Directory.GetFiles(dir, "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            foreach (var panel in root.GetProperty("panels").EnumerateArray())
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    yield return ($"{Path.GetFileName(file)} panel '{panel.GetProperty("title").GetString()}'",
                        target.GetProperty("query").GetString()!);
                }
            }
            foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
            {
                yield return ($"{Path.GetFileName(file)} variable '{variable.GetProperty("name").GetString()}'",
                    variable.GetProperty("query").GetString()!);
            }
        }
    }

    private static string LocateDashboards()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "dashboards", "grafana", "dashboards");
            if (Directory.Exists(path))
            {
                return path;
            }
        }
        throw new DirectoryNotFoundException("dashboards/grafana/dashboards was not found above " + AppContext.BaseDirectory);
    }

    // quoted identifiers, quoted strings, regex matches (=~ /…/, so a division stays a symbol), words, single symbols
    [GeneratedRegex("""
        "(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[=!]~\s*/(?:[^/\\]|\\.)*/|[\w$]+|[^\s\w]
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Token();
}
