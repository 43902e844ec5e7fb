using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>
/// <c>provision</c> run again on a pole rotates the secret (docs/edge.md): the file it rewrites must stay readable by
/// the agent's user, or the agent exits 2 and systemd does not restart it. The tests run as root (chown works).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ProvisionFileTests : IDisposable
{
    private static readonly string[] Identity =
        ["--id", "sc-lum-000555", "--city", "3548906", "--kind", "luminaire", "--lat", "-22.01", "--lon", "-47.89", "--broker", "mqtt.example"];

    private readonly string _dir = ServerProcess.CreateTempDirectory("provision");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Rotating_the_secret_keeps_the_files_owner_group_and_mode()
    {
        var config = Path.Combine(_dir, "etc", "edge.json");
        Assert.Equal(0, (await Provision(config)).Code);
        Assert.Equal(Mode("640"), File.GetUnixFileMode(config)); // a new file: root and the agent's group only
        var first = Secret(config);
        Run("chown", "1234:5678", config); // numeric: no such user or group needed
        File.SetUnixFileMode(config, Mode("604"));

        var (code, _, err) = await Provision(config);

        Assert.True(code == 0, err);
        Assert.Equal("1234:5678 604", Run("stat", "-c", "%u:%g %a", config).Trim());
        Assert.NotEqual(first, Secret(config));
        Assert.Equal(["edge.json"], Directory.GetFiles(Path.GetDirectoryName(config)!).Select(Path.GetFileName)); // no temp file left
    }

    [Fact]
    public void Doctor_without_permission_to_read_the_config_says_so_instead_of_listing_every_setting_as_missing()
    {
        File.SetUnixFileMode(_dir, Mode("755"));
        var etc = Directory.CreateDirectory(Path.Combine(_dir, "etc")).FullName;
        File.SetUnixFileMode(etc, Mode("750")); // as install.sh makes it (root:cidades): closed to anyone else
        var config = Path.Combine(etc, "edge.json");
        File.WriteAllText(config, """{ "Device": { "Id": "sc-lum-000555" } }""");

        var (code, output) = AsNobody.Agent("doctor", "--config", config);

        Assert.True(code == 2, output);
        Assert.Contains($"Access to the path '{config}' is denied", output, StringComparison.Ordinal);
        Assert.DoesNotContain("missing", output, StringComparison.Ordinal); // not "Device:Id is missing: run provision"
    }

    [Fact]
    public void Without_permission_to_read_or_write_the_file_provision_exits_2_in_plain_words()
    {
        File.SetUnixFileMode(_dir, Mode("755"));
        var etc = Directory.CreateDirectory(Path.Combine(_dir, "etc")).FullName;
        File.SetUnixFileMode(etc, Mode("755")); // owned by root: read-only for the technician
        var config = Path.Combine(etc, "edge.json");
        File.WriteAllText(config, """{ "Mqtt": { "Password": "old-secret-of-this-pole" } }""");
        File.SetUnixFileMode(config, Mode("644"));

        var (code, output) = ProvisionAsNobody(config);
        Assert.True(code == 2, output);
        Assert.Contains($"cannot write {config}", output, StringComparison.Ordinal);
        Assert.Contains("sudo", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
        Assert.Contains("old-secret-of-this-pole", File.ReadAllText(config), StringComparison.Ordinal);

        File.SetUnixFileMode(config, Mode("600"));
        (code, output) = ProvisionAsNobody(config);
        Assert.True(code == 2, output);
        Assert.Contains($"cannot read {config}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Out, string Err)> Provision(string config)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeProgram.MainAsync(["provision", "--config", config, .. Identity], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Secret(string config) => (string)JsonNode.Parse(File.ReadAllText(config))!["Mqtt"]!["Password"]!;

    private static (int Code, string Output) ProvisionAsNobody(string config) => AsNobody.Agent(["provision", "--config", config, .. Identity]);

    private static string Run(string tool, params string[] args)
    {
        var (code, output) = AsNobody.Run(ServerProcess.Locate(tool, "coreutils"), args);
        Assert.True(code == 0, $"{tool} {string.Join(' ', args)}: {output}");
        return output;
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);
}
