using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>
/// The agent's own configuration reader follows the rules of Microsoft.Extensions.Configuration's JSON, environment
/// and command-line providers, which it replaced (docs/performance.md, "Edge agent footprint").
/// </summary>
public sealed class EdgeConfigTests : IDisposable
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal) { ["--id"] = "Device:Id", ["-p"] = "Mqtt:Port" };
    private readonly string _dir = ServerProcess.CreateTempDirectory("edge-config");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Later_sources_win_and_keys_are_case_insensitive()
    {
        var app = Write("appsettings.json", """{ "Device": { "Id": "from-app", "City": "3548906" }, "Mqtt": { "Port": 1883, "Tls": false } }""");
        var etc = Write("edge.json", """
            // comments and trailing commas are accepted, as in the JSON provider
            { "device": { "id": "from-etc", }, "Outbox": { "Directory": "/var/lib/x" } }
            """);
        // a section name of its own: other tests in this process (and the agents they start) must not see it
        var variable = "CiEdgeTest" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable + "__Key", "from-env");
        Environment.SetEnvironmentVariable(variable + "__Nested__Host", "broker.from-env");
        try
        {
            var config = new EdgeConfig().AddJsonFile(app, optional: false).AddJsonFile(etc, optional: true).AddEnvironmentVariables()
                .AddCommandLine(["--id", "from-cli", "-p", "8883", "--Mqtt:Tls=true", "/Logging:LogLevel:Default", "Warning", "stray", "--dangling"], Aliases);
            Assert.Equal("from-cli", config["Device:Id"]);      // app < etc < cli
            Assert.Equal("from-cli", config["DEVICE:ID"]);
            Assert.Equal("3548906", config["Device:City"]);     // only in appsettings.json
            Assert.Equal("/var/lib/x", config["Outbox:Directory"]);
            Assert.Equal("from-env", config[variable + ":Key"]); // Section__Key
            Assert.Equal("broker.from-env", config[variable.ToUpperInvariant() + ":nested:HOST"]);
            Assert.Equal("8883", config["Mqtt:Port"]);          // short alias beats the file's number
            Assert.Equal("true", config["Mqtt:Tls"]);           // --Key=value
            Assert.Equal("Warning", config["Logging:LogLevel:Default"]); // /Key value
            Assert.Null(config["stray"]);
            Assert.Null(config["dangling"]);
            Assert.Equal([new KeyValuePair<string, string>("Default", "Warning")], config.Children("Logging:LogLevel"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable + "__Key", null);
            Environment.SetEnvironmentVariable(variable + "__Nested__Host", null);
        }
    }

    [Fact]
    public void Json_values_keep_their_text_and_arrays_become_indexed_keys()
    {
        var path = Write("a.json", """{ "Probe": { "Targets": [ "1.1.1.1:53", "8.8.8.8:53" ], "TimeoutMs": 1500.0, "On": true, "Off": null, "Empty": {} } }""");
        var config = new EdgeConfig().AddJsonFile(path, optional: false);
        Assert.Equal("1.1.1.1:53", config["Probe:Targets:0"]);
        Assert.Equal("8.8.8.8:53", config["Probe:Targets:1"]);
        Assert.Equal("1500.0", config["Probe:TimeoutMs"]);
        Assert.Equal("True", config["Probe:On"]);
        Assert.Equal("", config["Probe:Off"]);
        Assert.Null(config["Probe:Empty"]);
    }

    [Fact]
    public void Missing_and_broken_files_are_reported_with_their_path()
    {
        Assert.Null(new EdgeConfig().AddJsonFile(Path.Combine(_dir, "none.json"), optional: true)["Device:Id"]);
        var missing = Assert.Throws<FileNotFoundException>(() => new EdgeConfig().AddJsonFile(Path.Combine(_dir, "none.json"), optional: false));
        Assert.Contains("none.json", missing.Message, StringComparison.Ordinal);

        var broken = Write("broken.json", """{ "Device": { "Id": "x" """);
        var e = Assert.Throws<InvalidDataException>(() => new EdgeConfig().AddJsonFile(broken, optional: true));
        Assert.Contains("broken.json", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => new EdgeConfig().AddJsonFile(Write("array.json", "[1, 2]"), optional: true));
        Assert.Throws<InvalidDataException>(() => new EdgeConfig().AddJsonFile(Write("dup.json", """{ "a": 1, "A": 2 }"""), optional: true));
        Assert.Throws<FormatException>(() => new EdgeConfig().AddCommandLine(["-x", "1"], Aliases));
    }

    [Fact]
    public async Task A_broken_configuration_file_or_switch_exits_2_with_a_plain_message_instead_of_crashing()
    {
        var broken = Write("edge.json", """{ "Device": { "Id": "sc-lum-000001", """);
        foreach (var verb in new[] { "run", "doctor" })
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await EdgeProgram.MainAsync([verb, "--config", broken], output, error);
            Assert.Equal(2, code);
            Assert.Contains("cannot start; fix its configuration", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("edge.json", error.ToString(), StringComparison.Ordinal);
        }
        using var err2 = new StringWriter();
        Assert.Equal(2, await EdgeProgram.MainAsync(["run", "-z", "1"], TextWriter.Null, err2));
        Assert.Contains("'-z'", err2.ToString(), StringComparison.Ordinal);
    }
}
