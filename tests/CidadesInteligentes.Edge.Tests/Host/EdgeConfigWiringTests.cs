using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>
/// The configuration layers as the program stacks them (<see cref="EdgeProgram.MainAsync(string[], TextWriter, TextWriter)"/>
/// → its build path → the binder → <c>doctor</c>, whose lines show the values in effect): appsettings.json beside the
/// program &lt; the /etc file or <c>--config</c> &lt; environment &lt; command line, and the /etc file when no
/// <c>--config</c> is given. Only the three sources' locations are swapped for temp files and a fake environment.
/// </summary>
public sealed class EdgeConfigWiringTests : IDisposable
{
    private readonly string _dir = ServerProcess.CreateTempDirectory("edge-wiring");
    private readonly TcpListener _broker = new(IPAddress.Loopback, 0);

    public EdgeConfigWiringTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "app"));
        File.WriteAllText(Path.Combine(_dir, "synchronized"), "");
        _broker.Start(); // doctor only checks that the broker's port accepts TCP
    }

    private int BrokerPort => ((IPEndPoint)_broker.LocalEndpoint).Port;

    private string EtcFile => Path.Combine(_dir, "etc", "edge.json");

    private string State(string layer) => Path.Combine(_dir, "state-" + layer);

    public void Dispose()
    {
        _broker.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Command_line_beats_environment_beats_the_config_file_beats_appsettings_and_the_etc_file_is_not_read_with_config()
    {
        // appsettings.json beside the program: the whole base, and a broker port nothing listens on
        WriteAppSettings(FreePort.Next());
        // --config FILE: overrides the id, the state directory and the port
        var configFile = Write(Path.Combine(_dir, "custom", "edge.json"), $$"""
            { "Device": { "Id": "sc-lum-file", "StateDirectory": "{{State("file")}}" }, "Mqtt": { "Port": {{BrokerPort}} } }
            """);
        // the /etc file: not read when --config is given (its host would make the broker check fail)
        Write(EtcFile, """{ "Device": { "Id": "sc-lum-etc" }, "Mqtt": { "Host": "etc-file-must-not-be-read.invalid" } }""");
        var environment = new Hashtable { ["Device__Id"] = "sc-lum-env", ["Device__StateDirectory"] = State("env") };

        var (code, output) = await Doctor(environment, "--config", configFile, "--id", "sc-lum-cli");

        Assert.True(code == 0, output);
        Assert.Contains("PASS configuration: luminaire sc-lum-cli in São Carlos (3548906)", output, StringComparison.Ordinal); // command line
        Assert.Contains($"PASS state directory: {State("env")} is writable", output, StringComparison.Ordinal); // environment
        Assert.Contains($"PASS broker: 127.0.0.1:{BrokerPort} reachable", output, StringComparison.Ordinal); // --config file
        Assert.Contains($"PASS clock: synchronised ({Path.Combine(_dir, "synchronized")} present)", output, StringComparison.Ordinal); // appsettings.json
        Assert.False(Directory.Exists(State("file")), "the config file's state directory was overridden by the environment");
        Assert.False(Directory.Exists(State("app")));
    }

    [Fact]
    public async Task Without_config_the_etc_file_is_the_middle_layer()
    {
        WriteAppSettings(FreePort.Next());
        Write(EtcFile, $$"""{ "Device": { "Id": "sc-lum-etc" }, "Mqtt": { "Port": {{BrokerPort}} } }""");

        var (code, output) = await Doctor(new Hashtable());

        Assert.True(code == 0, output);
        Assert.Contains("PASS configuration: luminaire sc-lum-etc in São Carlos (3548906)", output, StringComparison.Ordinal);
        Assert.Contains($"PASS broker: 127.0.0.1:{BrokerPort} reachable", output, StringComparison.Ordinal);
        Assert.Contains($"PASS state directory: {State("app")} is writable", output, StringComparison.Ordinal);

        // provision without --config writes the /etc file too (install.sh passes --config; a technician may not)
        File.Delete(EtcFile);
        using var stdout = new StringWriter();
        Assert.Equal(0, await EdgeProgram.MainAsync(["provision", "--id", "sc-lum-000321", "--city", "3548906", "--kind", "luminaire"], stdout, TextWriter.Null, Sources(new Hashtable())));
        Assert.Equal("sc-lum-000321", (string?)JsonNode.Parse(await File.ReadAllTextAsync(EtcFile))!["Device"]!["Id"]);
    }

    [Fact]
    public void The_program_reads_appsettings_beside_itself_the_etc_file_and_the_process_environment()
    {
        Assert.Equal(AppContext.BaseDirectory, ConfigSources.Default.AppDirectory);
        Assert.Equal("/etc/cidades-inteligentes/edge.json", ConfigSources.Default.EtcFile);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), ConfigSources.Default.Variables()["PATH"]);
    }

    private void WriteAppSettings(int port) => Write(Path.Combine(_dir, "app", "appsettings.json"), $$"""
        {
          "Device": { "Id": "sc-lum-app", "City": "3548906", "Kind": "luminaire", "Latitude": -22.0175, "Longitude": -47.8908,
                      "StateDirectory": "{{State("app")}}" },
          "Mqtt": { "Port": {{port}}, "Password": "appsettings-secret-0123456789" },
          "Hardware": { "Mode": "Simulated" },
          "Doctor": { "TimesyncFile": "{{Path.Combine(_dir, "synchronized")}}" }
        }
        """);

    private ConfigSources Sources(IDictionary environment) => new(Path.Combine(_dir, "app"), EtcFile, () => environment);

    private async Task<(int Code, string Output)> Doctor(IDictionary environment, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await EdgeProgram.MainAsync(["doctor", .. args], output, error, Sources(environment));
        return (code, output + error.ToString());
    }

    private static string Write(string path, string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }
}
