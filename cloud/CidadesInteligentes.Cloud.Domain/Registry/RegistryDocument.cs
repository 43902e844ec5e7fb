namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>
/// The programme registry: cities, their luminaire inventory with frozen baselines, and their Wi-Fi points.
/// The demo file carries example values; the state replaces them with official data through the same document.
/// </summary>
public sealed class RegistryDocument
{
    public int Version { get; set; } = 1;

    /// <summary>True when tariffs, revenues and inventories are illustrative, not official.</summary>
    public bool ExampleValues { get; set; }

    public List<CityRecord> Cities { get; set; } = [];

    /// <summary>
    /// A copy in which every city's <see cref="CityRecord.Fleet"/> generator has been turned into explicit
    /// luminaires and Wi-Fi points (explicit entries with the same id win).
    /// </summary>
    public RegistryDocument Expand() => new()
    {
        Version = Version,
        ExampleValues = ExampleValues,
        Cities = Cities.Select(c => c.Expand()).ToList(),
    };

    public CityRecord? FindCity(string ibge) => Cities.Find(c => string.Equals(c.Ibge, ibge, StringComparison.Ordinal));
}
