using System.Reflection;
using CidadesInteligentes.Cloud.Domain.Registry;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>One luminaire to simulate, as the registry describes it.</summary>
public sealed record LuminaireSpec(string Id, CityRecord City, string? Circuit, double Latitude, double Longitude, double LedW, double BaselineW);

/// <summary>One Wi-Fi point to simulate; <paramref name="NonCompliant"/> marks the demo's failing point.</summary>
public sealed record HotspotSpec(string Id, CityRecord City, double Latitude, double Longitude, bool NonCompliant);

/// <summary>The devices of a run, taken from the registry (cities, coordinates, circuits, LED and baseline power).</summary>
public sealed class FleetPlan
{
    public const string DemoRegistryResource = "CidadesInteligentes.FirmwareSim.demo-registry.json";

    private FleetPlan(IReadOnlyList<CityRecord> cities, IReadOnlyList<LuminaireSpec> luminaires, IReadOnlyList<HotspotSpec> hotspots)
    {
        Cities = cities;
        Luminaires = luminaires;
        Hotspots = hotspots;
    }

    public IReadOnlyList<CityRecord> Cities { get; }

    public IReadOnlyList<LuminaireSpec> Luminaires { get; }

    public IReadOnlyList<HotspotSpec> Hotspots { get; }

    /// <summary>The demo registry shipped inside this assembly.</summary>
    public static string DemoRegistryJson()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(DemoRegistryResource)
            ?? throw new InvalidOperationException("the demo registry is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads the registry named by <paramref name="options"/> and sizes the fleet; throws listing every registry problem.</summary>
    public static FleetPlan Create(FleetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var json = options.RegistryJson
            ?? (options.RegistryPath is { } p ? File.ReadAllText(p) : DemoRegistryJson());
        var parsed = RegistryLoader.Parse(json);
        if (!parsed.Ok || parsed.Problems.Count > 0)
        {
            throw new InvalidDataException("registry rejected: " + string.Join("; ", parsed.Problems));
        }
        return Create(parsed.Document!, options);
    }

    public static FleetPlan Create(RegistryDocument registry, FleetOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        var cities = registry.Cities.Take(options.Cities ?? int.MaxValue).ToList();
        var expanded = new List<CityRecord>();
        var luminaires = new List<LuminaireSpec>();
        var hotspots = new List<HotspotSpec>();
        for (var c = 0; c < cities.Count; c++)
        {
            var city = cities[c];
            var original = city.Fleet;
            if (city.Fleet is { } fleet)
            {
                // size the generator before expanding so that the ids stay those the cloud's registry expands to
                city.Fleet = new FleetSpec
                {
                    Luminaires = options.LuminairesPerCity ?? fleet.Luminaires,
                    WifiPoints = options.HotspotsPerCity ?? fleet.WifiPoints,
                    LegacyTechnology = fleet.LegacyTechnology,
                    BaselineW = fleet.BaselineW,
                    LedW = fleet.LedW,
                    Circuits = fleet.Circuits,
                };
            }
            var e = city.Expand();
            city.Fleet = original;
            expanded.Add(e);
            foreach (var l in e.Luminaires.Take(options.LuminairesPerCity ?? int.MaxValue))
            {
                luminaires.Add(new LuminaireSpec(l.Id, e, l.Circuit is null ? null : e.Ibge + "/" + l.Circuit,
                    l.Latitude ?? e.Latitude, l.Longitude ?? e.Longitude, l.LedW, l.BaselineW));
            }
            var points = e.WifiPoints.Take(options.HotspotsPerCity ?? int.MaxValue).ToList();
            // the 5th point (or the last when fewer) of each of the first N cities is the non-compliant one
            var badIndex = c < options.Failures.NonCompliantWifi && points.Count > 0 ? Math.Min(4, points.Count - 1) : -1;
            for (var i = 0; i < points.Count; i++)
            {
                var w = points[i];
                hotspots.Add(new HotspotSpec(w.Id, e, w.Latitude ?? e.Latitude, w.Longitude ?? e.Longitude, i == badIndex));
            }
        }
        return new FleetPlan(expanded, luminaires, hotspots);
    }
}
