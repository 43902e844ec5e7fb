using System.Text.Json;
using CidadesInteligentes.Edge.Hardware;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// The current override, kept on disk so that an override survives an agent restart until it expires.
/// A damaged file reads as no override: the program is the safe fallback.
/// </summary>
public sealed class OverrideStore(string path)
{
    public string Path => path;

    public LightingOverride? Load()
    {
        var text = AtomicFile.TryReadAllText(path);
        if (text is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(text, LightingJson.Default.LightingOverride);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Stores the override, or removes the file for null.</summary>
    public void Save(LightingOverride? value)
    {
        if (value is null)
        {
            File.Delete(path);
            return;
        }
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, LightingJson.Default.LightingOverride));
    }
}
