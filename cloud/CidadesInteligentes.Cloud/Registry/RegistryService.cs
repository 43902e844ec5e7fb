using CidadesInteligentes.Cloud.Fleet;

namespace CidadesInteligentes.Cloud;

/// <summary>The current registry (cities, inventory, Wi-Fi points). Domain-backed loading lands with Cloud.Domain.</summary>
internal sealed class RegistryService
{
    public string Json { get; private set; } = "{}";

    public static RegistryService Load(string? file, List<string> errors)
    {
        var r = new RegistryService();
        if (file is not null && File.Exists(file))
        {
            r.Json = File.ReadAllText(file);
        }
        _ = errors;
        return r;
    }

    public void RegisterDevices(FleetState fleet)
    {
        _ = fleet;
    }
}
