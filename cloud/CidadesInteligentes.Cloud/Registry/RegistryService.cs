using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud;

/// <summary>
/// The current registry (cities, inventory, Wi-Fi points). At start the store's last saved registry is compared with
/// <c>--Registry:File</c>: a file that keeps every frozen baseline is applied (and saved), one that does not is refused
/// and the stored registry kept. Replacements are validated (every problem listed), stored with who made them, and
/// audited; refusals for frozen baselines are audited too.
/// </summary>
internal sealed class RegistryService
{
    private volatile RegistryDocument _document = new();
    private volatile RegistryDocument _expanded = new();
    private readonly SemaphoreSlim _replacing = new(1, 1);
    private int _waitingToReplace;
    private RegistryDocument? _fileDocument;

    /// <summary>Who the store and the log name for a registry that came from the file.</summary>
    public const string FileAuthor = "registry file";

    public RegistryDocument Document => _document;

    /// <summary>The registry with fleet lines expanded into devices.</summary>
    public RegistryDocument Expanded => _expanded;

    public long Version { get; private set; }

    public event Action<RegistryDocument>? Changed;

    public string? SourceFile { get; private set; }

    /// <summary>Why the registry file was not applied at start (frozen baselines), each "JSON path: explanation"; empty when it was.</summary>
    public IReadOnlyList<string> FileProblems { get; private set; } = [];

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
                r._fileDocument = parsed.Document!;
            }
        }
        return r;
    }

    /// <summary>
    /// Installs the registry at start. Without a registry file, the last registry saved in the store is used. With one,
    /// the file is checked against the stored registry: if it changes a frozen baseline or an existing adjustment it is
    /// not applied, every problem is logged as an error and kept in <see cref="FileProblems"/>, and the stored registry
    /// is served; otherwise the file is applied and saved in the store (when it differs) as the new last registry.
    /// </summary>
    public void Start(SqliteStore store, ILogger log, DateTimeOffset now)
    {
        var storedJson = store.LatestRegistry();
        var stored = storedJson is not null && RegistryLoader.Parse(storedJson) is { Ok: true } parsed ? parsed.Document : null;
        if (_fileDocument is not { } file)
        {
            if (stored is not null)
            {
                Set(stored);
            }
            return;
        }
        _fileDocument = null;
        if (stored is not null)
        {
            var frozen = FrozenBaselines.Check(stored, file);
            if (frozen.Count > 0)
            {
                FileProblems = [.. frozen.Select(p => p.ToString())];
                log.LogError("Registry file {File} NOT applied: it would change {Count} frozen baseline(s) of the registry saved in the store; serving the stored registry until the file is fixed", SourceFile, frozen.Count);
                foreach (var p in frozen)
                {
                    log.LogError("Registry file {File}: {Path}: {Problem}", SourceFile, p.Path, p.Message);
                }
                Set(stored);
                return;
            }
        }
        var normalised = RegistryLoader.Serialize(file);
        if (!string.Equals(normalised, storedJson, StringComparison.Ordinal))
        {
            store.SaveRegistryAsync(normalised, FileAuthor, now, CancellationToken.None).GetAwaiter().GetResult();
            if (stored is not null)
            {
                // the file replaced the registry while the cloud was down: its devices that are gone must leave the
                // fleet view like a replacement through the API does (their restored open alerts close)
                _replacedAtStart = DeviceIds(stored.Expand());
            }
        }
        Set(file);
    }

    // the devices of the registry a file replaced at start, until RegisterDevices has used them once
    private HashSet<string>? _replacedAtStart;

    private static HashSet<string> DeviceIds(RegistryDocument registry)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var city in registry.Cities)
        {
            foreach (var l in city.Luminaires)
            {
                ids.Add(l.Id);
            }
            foreach (var w in city.WifiPoints)
            {
                ids.Add(w.Id);
            }
        }
        return ids;
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
    /// Validates and installs a new registry and lists its devices in <paramref name="fleet"/>; returns every problem
    /// when it is refused. Baselines and adjustments already in the registry are frozen (<see cref="FrozenBaselines"/>);
    /// the audit entry names what changed, by id.
    /// </summary>
    /// <summary>Replacements waiting for the one being applied to finish (they are applied one at a time, in turn).</summary>
    public int ReplacementsWaiting => Volatile.Read(ref _waitingToReplace);

    public async Task<IReadOnlyList<string>> ReplaceAsync(string json, string by, SqliteStore store, FleetState fleet, TimeProvider time, CancellationToken ct)
    {
        var parsed = RegistryLoader.Parse(json);
        if (!parsed.Ok)
        {
            return parsed.Problems.Select(p => p.ToString()).ToList();
        }
        Interlocked.Increment(ref _waitingToReplace);
        try
        {
            await _replacing.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingToReplace);
        }
        // read once it is this replacement's turn: audits and alerts closed by successive replacements keep their order
        var now = time.GetUtcNow();
        try
        {
            var current = _document;
            var frozen = FrozenBaselines.Check(current, parsed.Document);
            if (frozen.Count > 0)
            {
                var listed = frozen.Select(p => p.ToString()).ToList();
                await store.AuditAsync(now, by, "registry.refused", "registry", RefusalDetail(listed), ct).ConfigureAwait(false);
                return listed;
            }
            var changes = RegistryChanges.Between(current, parsed.Document);
            var normalised = RegistryLoader.Serialize(parsed.Document);
            // the registry file gets the new registry too, or the next start would put the file's older one back: written
            // beside it first (a failure changes nothing), moved over it only once the store has the new registry
            var staged = SourceFile is { } file ? await StageAsync(file, normalised, ct).ConfigureAwait(false) : null;
            try
            {
                await store.SaveRegistryAsync(normalised, by, now, ct).ConfigureAwait(false);
                if (staged is not null)
                {
                    File.Move(staged, SourceFile!, overwrite: true);
                    staged = null;
                    FileProblems = [];
                }
            }
            finally
            {
                if (staged is not null)
                {
                    File.Delete(staged);
                }
            }
            // stored: from here the request can no longer cancel, or memory and the fleet would keep the old registry
            // (until a restart) while the store and the file hold the new one, and the change would go unaudited
            await store.AuditAsync(now, by, "registry.replace", "registry", changes.ToString(), CancellationToken.None).ConfigureAwait(false);
            Set(parsed.Document);
            // under the same lock as the swap: two replacements racing could otherwise update the fleet in the other
            // order, and the older one's update, ending last, left the fleet listing the devices of a registry replaced
            UpdateFleet(fleet, now);
            return [];
        }
        finally
        {
            _replacing.Release();
        }
    }

    /// <summary>Writes <paramref name="json"/> to a new file beside <paramref name="file"/>, flushed to the disk; returns its path.</summary>
    private static async Task<string> StageAsync(string file, string json, CancellationToken ct)
    {
        var staged = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, $".{Path.GetFileName(file)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using var stream = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json), ct).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(staged);
            throw;
        }
        return staged;
    }

    /// <summary>The audit detail of a refused replacement: how many problems, and the first three.</summary>
    internal static string RefusalDetail(IReadOnlyList<string> problems)
    {
        const int Shown = 3;
        var detail = $"refused: {problems.Count} problem{(problems.Count == 1 ? "" : "s")} with frozen baselines: " + string.Join(" | ", problems.Take(Shown));
        return problems.Count > Shown ? detail + $" | … and {problems.Count - Shown} more" : detail;
    }

    /// <summary>
    /// Lists every registry device in the fleet view so it appears (offline) before it ever reports; devices taken out
    /// of the registry leave the view and their open alerts close at <paramref name="now"/>. At start; a replacement
    /// does this itself (<see cref="ReplaceAsync"/>).
    /// </summary>
    public void RegisterDevices(FleetState fleet, DateTimeOffset now)
    {
        _replacing.Wait();
        try
        {
            UpdateFleet(fleet, now);
        }
        finally
        {
            _replacing.Release();
        }
    }

    // called with _replacing held, so fleet updates happen one at a time and in the order the registries were set
    private void UpdateFleet(FleetState fleet, DateTimeOffset now)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var city in _expanded.Cities)
        {
            foreach (var l in city.Luminaires)
            {
                fleet.Register(l.Id, city.Ibge, "luminaire", l.Latitude ?? city.Latitude, l.Longitude ?? city.Longitude, null, l.Circuit);
                ids.Add(l.Id);
            }
            foreach (var w in city.WifiPoints)
            {
                fleet.Register(w.Id, city.Ibge, "hotspot", w.Latitude ?? city.Latitude, w.Longitude ?? city.Longitude, w.Name, null);
                ids.Add(w.Id);
            }
        }
        fleet.Unregister(ids, now);
        if (Interlocked.Exchange(ref _replacedAtStart, null) is { } previous)
        {
            previous.ExceptWith(ids);
            fleet.CloseAlertsOf(previous, now);
        }
    }
}
