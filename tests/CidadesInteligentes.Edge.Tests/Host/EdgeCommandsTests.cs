using System.Text;
using System.Text.Json.Nodes;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Telemetry.Security;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

public sealed class EdgeCommandsTests : IDisposable
{
    private readonly string _dir = ServerProcess.CreateTempDirectory("edge-cmds");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeProgram.MainAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Provision_writes_identity_and_a_fresh_secret_and_prints_its_hash_line()
    {
        var config = Path.Combine(_dir, "etc", "edge.json");
        var (code, stdout, _) = await Run("provision", "--config", config, "--Device:Id", "sc-lum-000777", "--Device:City", "3548906",
            "--Device:Kind", "Luminaire", "--lat", "-22.01", "--lon", "-47.89", "--Mqtt:Host", "mqtt.example");
        Assert.Equal(0, code);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        Assert.Equal("sc-lum-000777", (string?)json["Device"]!["Id"]);
        Assert.Equal("luminaire", (string?)json["Device"]!["Kind"]);
        Assert.Equal("-22.01", (string?)json["Device"]!["Latitude"]);
        Assert.Equal("mqtt.example", (string?)json["Mqtt"]!["Host"]);
        var secret = (string)json["Mqtt"]!["Password"]!;
        Assert.Equal(43, secret.Length);

        var line = stdout.Trim().Split(' ');
        Assert.Equal(2, line.Length);
        Assert.Equal("sc-lum-000777", line[0]);
        Assert.StartsWith("pbkdf2-sha256:", line[1], StringComparison.Ordinal);
        Assert.True(DeviceSecret.Verify(line[1], Encoding.UTF8.GetBytes(secret)));
        Assert.DoesNotContain(secret, stdout, StringComparison.Ordinal);

        // Provisioning again rotates the secret and keeps the rest.
        var (again, stdout2, _) = await Run("provision", "--config", config, "--Device:Id", "sc-lum-000777", "--Device:City", "3548906", "--Device:Kind", "luminaire");
        Assert.Equal(0, again);
        var json2 = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        Assert.NotEqual(secret, (string)json2["Mqtt"]!["Password"]!);
        Assert.Equal("mqtt.example", (string?)json2["Mqtt"]!["Host"]);
        Assert.NotEqual(stdout, stdout2);
    }

    [Fact]
    public async Task Provision_and_run_refuse_incomplete_settings_listing_every_problem()
    {
        var (code, _, err) = await Run("provision", "--config", Path.Combine(_dir, "x.json"), "--Device:Id", "BAD ID", "--Device:City", "1234567");
        Assert.Equal(2, code);
        Assert.Contains("Device:Id", err, StringComparison.Ordinal);
        Assert.Contains("Device:City", err, StringComparison.Ordinal);
        Assert.Contains("Device:Kind", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.json")));

        (code, _, err) = await Run("run", "--config", Path.Combine(_dir, "none.json"), "--Device:Id", "sc-lum-000001", "--Device:City", "3548906",
            "--Device:Kind", "luminaire", "--Device:Latitude", "-22", "--Device:Longitude", "-47", "--Outbox:MaxMessages", "ten");
        Assert.Equal(2, code);
        Assert.Contains("Mqtt:Password", err, StringComparison.Ordinal);
        Assert.Contains("Outbox:MaxMessages is 'ten'", err, StringComparison.Ordinal);

        // blanks left in edge.json are problems too, not a broker at "" and state in the working directory
        (code, _, err) = await Run("run", "--config", Path.Combine(_dir, "none.json"), "--Device:Id", "sc-lum-000001", "--Device:City", "3548906",
            "--Device:Kind", "luminaire", "--Device:Latitude", "-22", "--Device:Longitude", "-47", "--Mqtt:Password", "a-long-enough-secret",
            "--Mqtt:Host", " ", "--Device:StateDirectory", "");
        Assert.Equal(2, code);
        Assert.Contains("Mqtt:Host is empty", err, StringComparison.Ordinal);
        Assert.Contains("Device:StateDirectory is empty", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_lists_pass_and_fail_checks_and_fails_when_the_broker_is_unreachable()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var synced = Path.Combine(_dir, "synchronized");
        await File.WriteAllTextAsync(synced, "");
        string[] Args(int port) =>
        [
            "doctor", "--config", Path.Combine(_dir, "none.json"), "--Device:Id", "sc-lum-000002", "--Device:City", "3548906",
            "--Device:Kind", "luminaire", "--Device:Latitude", "-22", "--Device:Longitude", "-47", "--Device:StateDirectory", Path.Combine(_dir, "state"),
            "--Mqtt:Password", "a-long-enough-secret", "--Mqtt:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Hardware:Mode", "Simulated", "--Doctor:TimesyncFile", synced,
        ];

        var (code, stdout, _) = await Run(Args(broker.Port));
        Assert.True(code == 0, stdout);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var check in new[] { "configuration", "state directory", "clock", "broker", "power meter", "light sensor", "relay and dimmer" })
        {
            Assert.Contains(lines, l => l.StartsWith("PASS " + check + ":", StringComparison.Ordinal));
        }
        Assert.Contains("São Carlos", stdout, StringComparison.Ordinal);
        Assert.Equal("all checks passed", lines[^1]);

        var closed = FreePort.Next();
        (code, stdout, _) = await Run(Args(closed));
        Assert.Equal(1, code);
        Assert.Contains($"FAIL broker: 127.0.0.1:{closed} not reachable", stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 check(s) failed", stdout.Trim(), StringComparison.Ordinal);
    }
}
