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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot read {configFile} ({e.Message}); run provision as root (sudo).");
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

        try
        {
            Write(configFile, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot write {configFile} ({e.Message}); run provision as root (sudo). The file was not changed.");
            return 2;
        }
        output.WriteLine($"{id} {DeviceSecret.Hash(secret)}");
        error.WriteLine($"wrote identity and a fresh secret to {configFile}; add the line above to the cloud's devices file.");
        return 0;
    }

    /// <summary>
    /// Replaces <paramref name="configFile"/> atomically: a temp file in the same directory, synced, with the old file's
    /// owner, group and mode (the agent's user must still read it after a secret rotation), renamed over it. A new file
    /// gets mode 0640 and, where the group exists, group cidades (as install.sh gives it).
    /// </summary>
    private static void Write(string configFile, string text, TextWriter error)
    {
        var dir = Path.GetDirectoryName(configFile);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        var tmp = configFile + ".tmp";
        File.Delete(tmp); // left by an interrupted run, maybe with another owner or mode
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // nobody else reads the secret meanwhile
            }
            using (var stream = new FileStream(tmp, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows())
            {
                KeepOwnerAndMode(configFile, tmp, error);
            }
            File.Move(tmp, configFile, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void KeepOwnerAndMode(string configFile, string tmp, TextWriter error)
    {
        if (File.Exists(configFile))
        {
            var (uid, gid) = UnixFileOwner.Get(configFile);
            if (UnixFileOwner.Get(tmp) != (uid, gid))
            {
                UnixFileOwner.Set(tmp, uid, gid); // only root may; anyone else gets "cannot write" and the old file stays
            }
            File.SetUnixFileMode(tmp, File.GetUnixFileMode(configFile));
            return;
        }
        File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        if (UnixFileOwner.GroupId("cidades") is { } agentGroup && UnixFileOwner.Get(tmp).Gid != agentGroup)
        {
            try
            {
                UnixFileOwner.Set(tmp, uint.MaxValue, agentGroup);
            }
            catch (UnauthorizedAccessException e)
            {
                error.WriteLine($"warning: {e.Message}; the agent (user cidades) cannot read {configFile}: run provision as root (sudo).");
            }
        }
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
