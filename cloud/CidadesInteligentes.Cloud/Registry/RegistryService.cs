using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud;

/// <summary>
/// The current registry (cities, inventory, Wi-Fi points). Loaded from <c>--Registry:File</c> at start, or from the
/// store (the last version saved through the API). Replacements are validated (every problem listed), stored with who
/// made them, and audited.
/// </summary>
internal sealed class RegistryService
{
    private volatile RegistryDocument _document = new();
    private volatile RegistryDocument _expanded = new();
    private readonly SemaphoreSlim _replacing = new(1, 1);

    public RegistryDocument Document => _document;

    /// <summary>The registry with fleet lines expanded into devices.</summary>
    public RegistryDocument Expanded => _expanded;

    public long Version { get; private set; }

    public event Action<RegistryDocument>? Changed;

    public string? SourceFile { get; private set; }

    public static RegistryService Load(string? file, List<string> errors)
    {
        var r = new RegistryService { SourceFile = file };
        if (file is not null && File.Exists(file))
        {
            var parsed = RegistryLoader.Parse(File.ReadAllText(file));
            if (!parsed.Ok)
            {
                errors.AddRange(parsed.Problems.Select(p => $"Registry:File {file}: {p.Path}: {p.Message}"));
            }
            else
            {
                r.Set(parsed.Document!);
            }
        }
        return r;
    }

    /// <summary>Without a registry file, the last registry saved through the API is used.</summary>
    public void LoadFromStoreIfEmpty(SqliteStore store)
    {
        if (SourceFile is null && store.LatestRegistry() is { } json && RegistryLoader.Parse(json) is { Ok: true } parsed)
        {
            Set(parsed.Document!);
        }
    }

    private void Set(RegistryDocument doc)
    {
        _document = doc;
        _expanded = doc.Expand();
        Version++;
        Changed?.Invoke(_expanded);
    }

    public CityRecord? City(string ibge) => _expanded.FindCity(ibge);

    /// <summary>
    /// Validates and installs a new registry; returns every problem when it is refused. Baselines and adjustments
    /// already in the registry are frozen (<see cref="FrozenBaselines"/>); the audit entry names what changed, by id.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplaceAsync(string json, string by, SqliteStore store, DateTimeOffset now, CancellationToken ct)
    {
        var parsed = RegistryLoader.Parse(json);
        if (!parsed.Ok)
        {
            return parsed.Problems.Select(p => p.ToString()).ToList();
        }
        await _replacing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = _document;
            var frozen = FrozenBaselines.Check(current, parsed.Document);
            if (frozen.Count > 0)
            {
                return frozen.Select(p => p.ToString()).ToList();
            }
            var changes = RegistryChanges.Between(current, parsed.Document);
            var normalised = RegistryLoader.Serialize(parsed.Document);
            await store.SaveRegistryAsync(normalised, by, now, ct).ConfigureAwait(false);
            await store.AuditAsync(now, by, "registry.replace", "registry", changes.ToString(), ct).ConfigureAwait(false);
            Set(parsed.Document);
            return [];
        }
        finally
        {
            _replacing.Release();
        }
    }

    /// <summary>Lists every registry device in the fleet view so it appears (offline) before it ever reports.</summary>
    public void RegisterDevices(FleetState fleet)
    {
        foreach (var city in _expanded.Cities)
        {
            foreach (var l in city.Luminaires)
            {
                fleet.Register(l.Id, city.Ibge, "luminaire", l.Latitude ?? city.Latitude, l.Longitude ?? city.Longitude, null, l.Circuit);
            }
            foreach (var w in city.WifiPoints)
            {
                fleet.Register(w.Id, city.Ibge, "hotspot", w.Latitude ?? city.Latitude, w.Longitude ?? city.Longitude, w.Name, null);
            }
        }
    }
}
