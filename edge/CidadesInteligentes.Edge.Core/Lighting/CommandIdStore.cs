using System.Text.Json;
using CidadesInteligentes.Edge.Hardware;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// Ids of the commands already executed, with the result acknowledged, persisted so that a command redelivered
/// after a restart (QoS 1 delivers at least once) is acknowledged again but not executed again. Keeps the newest
/// <see cref="Capacity"/> ids; older ones are long past any broker redelivery. A save the SD card refuses (full,
/// read-only) never fails the command: the ids stay in memory, so a repeat is still recognised while the agent runs,
/// and <see cref="SaveIfUnsaved"/> tries again once a minute.
/// </summary>
public sealed partial class CommandIdStore
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);

    private readonly string _path;
    private readonly ILogger? _logger;
    private readonly List<RememberedCommand> _order;
    private readonly Dictionary<string, RememberedCommand> _byId;
    private DateTimeOffset? _failedAt; // the last save the card refused; null when everything is saved

    public CommandIdStore(string path, int capacity = 256, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _path = path;
        _logger = logger;
        Capacity = capacity;
        _order = Load(path);
        _byId = new Dictionary<string, RememberedCommand>(StringComparer.Ordinal);
        foreach (var c in _order)
        {
            _byId[c.Id] = c;
        }
    }

    public int Capacity { get; }

    public int Count => _order.Count;

    public bool TryGetResult(string id, out string result)
    {
        if (_byId.TryGetValue(id, out var c))
        {
            result = c.Result;
            return true;
        }
        result = string.Empty;
        return false;
    }

    public void Remember(string id, string result, DateTimeOffset at)
    {
        if (_byId.ContainsKey(id))
        {
            return;
        }
        var entry = new RememberedCommand(id, result, at);
        _order.Add(entry);
        _byId[id] = entry;
        while (_order.Count > Capacity)
        {
            _byId.Remove(_order[0].Id);
            _order.RemoveAt(0);
        }
        Save(at);
    }

    /// <summary>Saves the ids if the card refused the last save, at most once a minute (call it from the control loop).</summary>
    public void SaveIfUnsaved(DateTimeOffset now)
    {
        // A clock set back (NTP) must not postpone the retry until it catches up.
        if (_failedAt is { } failed && (now - failed >= RetryInterval || now < failed))
        {
            Save(now);
        }
    }

    private void Save(DateTimeOffset now)
    {
        try
        {
            AtomicFile.WriteAllText(_path, JsonSerializer.Serialize(_order, LightingJson.Default.ListRememberedCommand));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_failedAt is null && _logger is not null)
            {
                SaveRefused(_logger, _path, e.Message);
            }
            _failedAt = now;
            return;
        }
        if (_failedAt is not null && _logger is not null)
        {
            SavedAgain(_logger, _path);
        }
        _failedAt = null;
    }

    private static List<RememberedCommand> Load(string path)
    {
        var text = AtomicFile.TryReadAllText(path);
        if (text is null)
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize(text, LightingJson.Default.ListRememberedCommand) ?? [];
        }
        catch (JsonException)
        {
            return []; // losing the memory risks one repeated override, not a wrong energy figure
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the list of executed commands could not be saved to {Path}: {Error}. The commands took effect and are acknowledged; the list is kept in memory (a repeated command is still recognised) and saved again every minute, but a restart before then forgets it")]
    private static partial void SaveRefused(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "the list of executed commands is saved again to {Path}")]
    private static partial void SavedAgain(ILogger logger, string path);
}
