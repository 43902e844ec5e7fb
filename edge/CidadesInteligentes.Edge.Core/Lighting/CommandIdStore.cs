using System.Text.Json;
using CidadesInteligentes.Edge.Hardware;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// Ids of the commands already executed, with the result acknowledged, persisted so that a command redelivered
/// after a restart (QoS 1 delivers at least once) is acknowledged again but not executed again. Keeps the newest
/// <see cref="Capacity"/> ids; older ones are long past any broker redelivery.
/// </summary>
public sealed class CommandIdStore
{
    private readonly string _path;
    private readonly List<RememberedCommand> _order;
    private readonly Dictionary<string, RememberedCommand> _byId;

    public CommandIdStore(string path, int capacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _path = path;
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
        AtomicFile.WriteAllText(_path, JsonSerializer.Serialize(_order, LightingJson.Default.ListRememberedCommand));
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
}
