using System.Text.Json;

namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>
/// What a registry replacement changed, by id, for the audit log: cities (by IBGE code), luminaires and Wi-Fi points
/// (by device id) added, removed or changed, and adjustments added. Fleet lines are compared as the devices they generate.
/// </summary>
public sealed class RegistryChanges
{
    /// <summary>At most this many ids are named per list; the rest are counted.</summary>
    public const int MaxNamed = 50;

    public bool SettingsChanged { get; private init; }
    public int CitiesBefore { get; private init; }
    public int CitiesAfter { get; private init; }
    public IReadOnlyList<string> CitiesAdded { get; private init; } = [];
    public IReadOnlyList<string> CitiesRemoved { get; private init; } = [];
    public IReadOnlyList<string> CitiesChanged { get; private init; } = [];
    public int LuminairesBefore { get; private init; }
    public int LuminairesAfter { get; private init; }
    public IReadOnlyList<string> LuminairesAdded { get; private init; } = [];
    public IReadOnlyList<string> LuminairesRemoved { get; private init; } = [];
    public IReadOnlyList<string> LuminairesChanged { get; private init; } = [];
    public int WifiPointsBefore { get; private init; }
    public int WifiPointsAfter { get; private init; }
    public IReadOnlyList<string> WifiPointsAdded { get; private init; } = [];
    public IReadOnlyList<string> WifiPointsRemoved { get; private init; } = [];
    public IReadOnlyList<string> WifiPointsChanged { get; private init; } = [];
    public IReadOnlyList<string> AdjustmentsAdded { get; private init; } = [];

    public static RegistryChanges Between(RegistryDocument current, RegistryDocument proposed)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        var before = current.Expand();
        var after = proposed.Expand();
        var citiesBefore = before.Cities.DistinctBy(c => c.Ibge).ToDictionary(c => c.Ibge, CitySettings, StringComparer.Ordinal);
        var citiesAfter = after.Cities.DistinctBy(c => c.Ibge).ToDictionary(c => c.Ibge, CitySettings, StringComparer.Ordinal);
        var lumBefore = before.Cities.SelectMany(c => c.Luminaires).DistinctBy(l => l.Id).ToDictionary(l => l.Id, Luminaire, StringComparer.Ordinal);
        var lumAfter = after.Cities.SelectMany(c => c.Luminaires).DistinctBy(l => l.Id).ToDictionary(l => l.Id, Luminaire, StringComparer.Ordinal);
        var wifiBefore = before.Cities.SelectMany(c => c.WifiPoints).DistinctBy(w => w.Id).ToDictionary(w => w.Id, Wifi, StringComparer.Ordinal);
        var wifiAfter = after.Cities.SelectMany(c => c.WifiPoints).DistinctBy(w => w.Id).ToDictionary(w => w.Id, Wifi, StringComparer.Ordinal);
        var oldAdjustments = before.Cities.SelectMany(c => c.Adjustments).ToList();
        var added = new List<string>();
        foreach (var a in after.Cities.SelectMany(c => c.Adjustments))
        {
            var k = oldAdjustments.FindIndex(o => FrozenBaselines.SameAdjustment(o, a));
            if (k >= 0)
            {
                oldAdjustments.RemoveAt(k);
            }
            else
            {
                added.Add(FrozenBaselines.Describe(a));
            }
        }
        return new RegistryChanges
        {
            SettingsChanged = current.Version != proposed.Version || current.ExampleValues != proposed.ExampleValues,
            CitiesBefore = citiesBefore.Count,
            CitiesAfter = citiesAfter.Count,
            CitiesAdded = Added(citiesBefore, citiesAfter),
            CitiesRemoved = Added(citiesAfter, citiesBefore),
            CitiesChanged = Changed(citiesBefore, citiesAfter),
            LuminairesBefore = lumBefore.Count,
            LuminairesAfter = lumAfter.Count,
            LuminairesAdded = Added(lumBefore, lumAfter),
            LuminairesRemoved = Added(lumAfter, lumBefore),
            LuminairesChanged = Changed(lumBefore, lumAfter),
            WifiPointsBefore = wifiBefore.Count,
            WifiPointsAfter = wifiAfter.Count,
            WifiPointsAdded = Added(wifiBefore, wifiAfter),
            WifiPointsRemoved = Added(wifiAfter, wifiBefore),
            WifiPointsChanged = Changed(wifiBefore, wifiAfter),
            AdjustmentsAdded = added,
        };
    }

    /// <summary>
    /// One line for the audit log, e.g. <c>cities 1 → 1 (changed 3548906); luminaires 2 → 3 (added sc-lum-000003);
    /// Wi-Fi points 5 → 5; adjustments added: 'sc-lum-000001' from 2026-11-01 (250 W)</c>.
    /// </summary>
    public override string ToString()
    {
        var parts = new List<string>
        {
            Section("cities", CitiesBefore, CitiesAfter, CitiesAdded, CitiesRemoved, CitiesChanged),
            Section("luminaires", LuminairesBefore, LuminairesAfter, LuminairesAdded, LuminairesRemoved, LuminairesChanged),
            Section("Wi-Fi points", WifiPointsBefore, WifiPointsAfter, WifiPointsAdded, WifiPointsRemoved, WifiPointsChanged),
        };
        if (AdjustmentsAdded.Count > 0)
        {
            parts.Add("adjustments added: " + Names(AdjustmentsAdded));
        }
        if (SettingsChanged)
        {
            parts.Add("registry version or exampleValues changed");
        }
        return string.Join("; ", parts);
    }

    private static string Section(string what, int before, int after, IReadOnlyList<string> added, IReadOnlyList<string> removed, IReadOnlyList<string> changed)
    {
        var lists = new List<string>();
        if (added.Count > 0)
        {
            lists.Add("added " + Names(added));
        }
        if (removed.Count > 0)
        {
            lists.Add("removed " + Names(removed));
        }
        if (changed.Count > 0)
        {
            lists.Add("changed " + Names(changed));
        }
        return $"{what} {before} → {after}" + (lists.Count > 0 ? " (" + string.Join("; ", lists) + ")" : "");
    }

    private static string Names(IReadOnlyList<string> ids) =>
        string.Join(", ", ids.Take(MaxNamed)) + (ids.Count > MaxNamed ? $" and {ids.Count - MaxNamed} more" : "");

    private static List<string> Added(Dictionary<string, string> before, Dictionary<string, string> after) =>
        [.. after.Keys.Where(k => !before.ContainsKey(k))];

    private static List<string> Changed(Dictionary<string, string> before, Dictionary<string, string> after) =>
        [.. after.Where(kv => before.TryGetValue(kv.Key, out var old) && !string.Equals(old, kv.Value, StringComparison.Ordinal)).Select(kv => kv.Key)];

    /// <summary>The city's own figures (tariff, revenue, thresholds…), without its devices and adjustments.</summary>
    private static string CitySettings(CityRecord c)
    {
        var copy = c.Expand();
        copy.Luminaires = [];
        copy.WifiPoints = [];
        copy.Adjustments = [];
        return JsonSerializer.Serialize(copy, RegistryJson.Default.CityRecord);
    }

    private static string Luminaire(LuminaireRecord l) => JsonSerializer.Serialize(l, RegistryJson.Default.LuminaireRecord);

    private static string Wifi(WifiPointRecord w) => JsonSerializer.Serialize(w, RegistryJson.Default.WifiPointRecord);
}
