using System.Reflection;

namespace CidadesInteligentes.Telemetry;

/// <summary>
/// The 645 municipalities of São Paulo state by 7-digit IBGE code (embedded copy of shared/data/sp-municipalities.csv).
/// Nothing in the system is hard-wired to the 12 pilot cities: any of these codes is a valid <c>city</c>.
/// </summary>
public static class Municipalities
{
    // A plain Dictionary, not a FrozenDictionary: the lookup is as fast for 645 codes, and the edge agent then does not
    // load System.Collections.Immutable (~1 MB resident, docs/performance.md "Edge agent footprint").
    private static readonly Lazy<Dictionary<string, string>> ByCode = new(Load);

    /// <summary>Every code and name, ordered by code.</summary>
    public static IReadOnlyDictionary<string, string> All => ByCode.Value;

    public static int Count => ByCode.Value.Count;

    public static bool IsKnown(string? code) => code is not null && ByCode.Value.ContainsKey(code);

    /// <summary>The municipality's name, or null for an unknown code.</summary>
    public static string? NameOf(string code) => ByCode.Value.GetValueOrDefault(code);

    private static Dictionary<string, string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CidadesInteligentes.Telemetry.sp-municipalities.csv")
            ?? throw new InvalidOperationException("embedded municipality list is missing from the build");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<string, string>(700, StringComparer.Ordinal);
        _ = reader.ReadLine(); // header: ibge_code,name
        while (reader.ReadLine() is { } line)
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma == 7)
            {
                map[line[..7]] = line[(comma + 1)..].Trim().Trim('"');
            }
        }
        return map;
    }
}
