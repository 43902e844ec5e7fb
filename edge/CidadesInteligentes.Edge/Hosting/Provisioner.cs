using System.Text.Json;
using System.Text.Json.Nodes;
using CidadesInteligentes.Telemetry.Security;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// <c>provision</c>: writes this device's identity, every other setting given on the command line and a fresh
/// secret into the configuration file, and prints <c>deviceId pbkdf2-sha256:...</c> for the cloud's devices file.
/// The secret itself is printed nowhere.
/// </summary>
internal static class Provisioner
{
    public static int Run(EdgeConfig commandLine, string configFile, TextWriter output, TextWriter error)
    {
        var id = commandLine["Device:Id"] ?? "";
        var problems = new List<string>();
        if (!Telemetry.Contract.TopicName.IsValidDeviceId(id))
        {
            problems.Add($"--Device:Id '{id}' must be 3-64 lowercase letters, digits and '-' (e.g. sc-lum-000123).");
        }
        if (commandLine["Device:City"] is not { } city || !Telemetry.Municipalities.IsKnown(city))
        {
            problems.Add($"--Device:City '{commandLine["Device:City"]}' must be one of the 645 São Paulo IBGE codes (São Carlos = 3548906).");
        }
        if ((commandLine["Device:Kind"] ?? "").ToLowerInvariant() is not ("luminaire" or "hotspot"))
        {
            problems.Add($"--Device:Kind '{commandLine["Device:Kind"]}' must be luminaire or hotspot.");
        }
        if (problems.Count > 0)
        {
            error.WriteLine("provision needs --Device:Id, --Device:City and --Device:Kind:");
            problems.ForEach(p => error.WriteLine("  - " + p));
            return 2;
        }

        JsonObject root;
        try
        {
            root = File.Exists(configFile) ? JsonNode.Parse(File.ReadAllText(configFile)) as JsonObject ?? [] : [];
        }
        catch (JsonException ex)
        {
            error.WriteLine($"{configFile} is not valid JSON ({ex.Message}); fix or remove it first.");
            return 2;
        }
        foreach (var (key, value) in commandLine.All)
        {
            if (value is null || key == "config" || !key.Contains(':', StringComparison.Ordinal))
            {
                continue;
            }
            Set(root, key, value);
        }
        Set(root, "Device:Kind", commandLine["Device:Kind"]!.ToLowerInvariant());
        var secret = DeviceSecret.Generate();
        Set(root, "Mqtt:Password", secret);

        var dir = Path.GetDirectoryName(configFile);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        var tmp = configFile + ".tmp";
        File.WriteAllText(tmp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }
        File.Move(tmp, configFile, overwrite: true);
        output.WriteLine($"{id} {DeviceSecret.Hash(secret)}");
        error.WriteLine($"wrote identity and a fresh secret to {configFile}; add the line above to the cloud's devices file.");
        return 0;
    }

    private static void Set(JsonObject root, string key, string value)
    {
        var parts = key.Split(':');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = [];
                node[part] = child;
            }
            node = child;
        }
        node[parts[^1]] = value;
    }
}
