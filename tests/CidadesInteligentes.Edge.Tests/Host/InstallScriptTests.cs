using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>
/// edge/deploy/install.sh run for real into a fake root (<c>DESTDIR</c>): files, directories and modes are made by the
/// script itself; the commands that would change this machine (groupadd, useradd, usermod, chown, systemctl,
/// raspi-config) and <c>id</c>/<c>getent</c> are stubs first on PATH that log their arguments, and <c>install</c> is the
/// real one with its <c>-o</c>/<c>-g</c> logged and dropped. The agent is the built one for <c>provision</c> (so the
/// secret is real) and a logging stub for <c>doctor</c> (its checks have their own tests).
/// </summary>
[SupportedOSPlatform("linux")] // bash, coreutils, Unix file modes: the script targets Raspberry Pi OS
public sealed class InstallScriptTests : IDisposable
{
    private const string Home = "/var/lib/cidades-inteligentes";
    private readonly string _dir = ServerProcess.CreateTempDirectory("install");
    private readonly string _root;
    private readonly string _log;

    public InstallScriptTests()
    {
        _root = Path.Combine(_dir, "root");
        _log = Path.Combine(_dir, "calls.log");
        var realInstall = ServerProcess.Locate("/usr/bin/install", "coreutils");
        Stub("id", """[ "$*" = "-u" ] && { echo 0; exit 0; }; exit 1""");            // root; no user cidades yet
        Stub("getent", """[ "$*" = "group i2c" ] && { echo "i2c:x:998:"; exit 0; }; exit 2"""); // only i2c exists
        foreach (var name in new[] { "groupadd", "useradd", "usermod", "chown", "systemctl", "raspi-config" })
        {
            Stub(name, "exit 0");
        }
        Stub("install", $$"""
            args=()
            while [ $# -gt 0 ]; do
              case "$1" in -o|-g) shift 2 ;; *) args+=("$1"); shift ;; esac
            done
            exec {{realInstall}} "${args[@]}"
            """);
        var agent = Path.Combine(_dir, "published", "CidadesInteligentes.Edge");
        WriteExecutable(agent, $$"""
            #!/bin/bash
            echo "agent $*" >> "$CALLS"
            case "$1" in
              provision) exec dotnet exec '{{typeof(EdgeProgram).Assembly.Location}}' "$@" ;;
              doctor) echo "PASS stub doctor"; exit "${DOCTOR_EXIT:-0}" ;;
            esac
            exit 64
            """);
    }

    private string Etc => Path.Combine(_root, "etc", "cidades-inteligentes");

    private string ConfigFile => Path.Combine(Etc, "edge.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Creates_the_user_directories_and_a_private_config_then_enables_and_starts_the_unit()
    {
        var (code, output) = Install();
        Assert.True(code == 0, output);

        var calls = Calls();
        Assert.Contains("groupadd --system cidades", calls);
        Assert.Contains($"useradd --system --gid cidades --home-dir {Home} --shell /usr/sbin/nologin cidades", calls);
        Assert.Contains("usermod -a -G i2c cidades", calls);
        Assert.DoesNotContain(calls, c => c.Contains("-G gpio", StringComparison.Ordinal)); // no such group here
        Assert.Contains("raspi-config nonint do_i2c 0", calls);

        var prefix = Path.Combine(_root, "opt", "cidades-inteligentes", "edge");
        var state = _root + Home;
        Assert.Equal(Mode("755"), File.GetUnixFileMode(prefix));
        Assert.True(File.GetUnixFileMode(Path.Combine(prefix, "CidadesInteligentes.Edge")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(Mode("644"), File.GetUnixFileMode(Path.Combine(prefix, "docs", "edge.md")));
        Assert.Equal(Mode("750"), File.GetUnixFileMode(state));
        Assert.Equal(Mode("750"), File.GetUnixFileMode(Path.Combine(state, "outbox")));
        Assert.Equal(Mode("750"), File.GetUnixFileMode(Etc));
        Assert.Contains($"install -d -m 0750 -o cidades -g cidades {state} {state}/outbox", calls);
        Assert.Contains($"install -d -m 0750 -o root -g cidades {Etc}", calls);

        // The config: written by the real provision, with a fresh secret, readable by root and the agent's group only.
        Assert.Contains($"agent provision --config {ConfigFile} --id sc-lum-000123 --city 3548906 --kind luminaire --lat -22.0175 --lon -47.8909 --broker mqtt.example --port 8883 --tls true", calls);
        Assert.Contains($"chown root:cidades {ConfigFile}", calls);
        var mode = File.GetUnixFileMode(ConfigFile);
        Assert.Equal(Mode("640"), mode);
        Assert.Equal(0, (int)(mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)));
        var json = JsonNode.Parse(File.ReadAllText(ConfigFile))!;
        Assert.Equal("sc-lum-000123", (string?)json["Device"]!["Id"]);
        Assert.Equal("mqtt.example", (string?)json["Mqtt"]!["Host"]);
        var secret = (string)json["Mqtt"]!["Password"]!;
        Assert.Equal(43, secret.Length);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal); // printed nowhere, only its hash line

        var unit = Path.Combine(_root, "etc", "systemd", "system", "cidades-edge.service");
        Assert.Equal(File.ReadAllText(Path.Combine(DeployFilesTests.Deploy, "cidades-edge.service")), File.ReadAllText(unit));
        Assert.Equal(Mode("644"), File.GetUnixFileMode(unit));
        Assert.Equal(["systemctl daemon-reload", "systemctl enable --now cidades-edge.service"], calls.Where(c => c.StartsWith("systemctl", StringComparison.Ordinal)));
        Assert.Equal($"agent doctor --config {ConfigFile}", calls[^1]); // doctor last, after the unit was started
        Assert.Contains("PASS stub doctor", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_it_again_keeps_the_identity_and_secret()
    {
        Assert.Equal(0, Install().Code);
        var first = File.ReadAllText(ConfigFile);
        File.WriteAllText(_log, "");

        var (code, output) = Install();
        Assert.True(code == 0, output);
        Assert.Equal(first, File.ReadAllText(ConfigFile));
        Assert.Contains($"keeping existing {ConfigFile} (identity and secret unchanged)", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls(), c => c.StartsWith("agent provision", StringComparison.Ordinal));
        Assert.Contains("systemctl enable --now cidades-edge.service", Calls());
    }

    [Fact]
    public void A_failing_doctor_fails_the_install_with_what_to_do()
    {
        var (code, output) = Install(("DOCTOR_EXIT", "1"));
        Assert.Equal(1, code);
        Assert.Contains("doctor found problems: fix them, then: sudo systemctl restart cidades-edge", output, StringComparison.Ordinal);
        Assert.Equal(Mode("640"), File.GetUnixFileMode(ConfigFile)); // everything before the check was done
    }

    private (int Code, string Output) Install(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        foreach (var a in new[]
        {
            Path.Combine(DeployFilesTests.Deploy, "install.sh"), Path.Combine(_dir, "published"), "--id", "sc-lum-000123", "--city", "3548906",
            "--kind", "luminaire", "--lat", "-22.0175", "--lon", "-47.8909", "--broker", "mqtt.example", "--port", "8883", "--tls", "true",
        })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DESTDIR"] = _root;
        start.Environment["PATH"] = Path.Combine(_dir, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["CALLS"] = _log;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("install.sh did not finish in 120 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private List<string> Calls() => File.Exists(_log) ? [.. File.ReadAllLines(_log)] : [];

    private void Stub(string name, string body) =>
        WriteExecutable(Path.Combine(_dir, "bin", name), $"#!/bin/bash\necho \"{name} $*\" >> \"$CALLS\"\n{body}\n");

    private static void WriteExecutable(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, Mode("755"));
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);
}
