using System.Text.Json;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>The dimming program the device runs, kept in one JSON file replaced atomically.</summary>
public sealed class ProgramStore(string path)
{
    public string Path => path;

    /// <summary>The stored program, or null when none was ever stored.</summary>
    public DimmingProgram? Load()
    {
        var text = AtomicFile.TryReadAllText(path);
        if (text is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(text, TelemetryJson.Default.DimmingProgram);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Dimming program file '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    public void Save(DimmingProgram program) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(program, TelemetryJson.Default.DimmingProgram));
}
