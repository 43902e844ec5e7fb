using System.Diagnostics;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>
/// edge/deploy: install.sh parses and refuses bad arguments before touching the system (a full run into a fake root is
/// <see cref="InstallScriptTests"/>); cidades-edge.service passes systemd-analyze verify and keeps its restart and
/// hardening settings.
/// </summary>
public sealed class DeployFilesTests : IDisposable
{
    private const string Usage = "usage: sudo ";
    internal static readonly string Deploy = Path.Combine(RepositoryRoot(), "edge", "deploy");
    private readonly string _dir = ServerProcess.CreateTempDirectory("deploy");

    private static string Script => Path.Combine(Deploy, "install.sh");

    private static string Unit => Path.Combine(Deploy, "cidades-edge.service");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Install_script_is_valid_bash_and_executable()
    {
        var (code, output) = Run("/bin/bash", "-n", Script);
        Assert.True(code == 0, "bash -n install.sh: " + output);
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(Script).HasFlag(UnixFileMode.UserExecute), "install.sh must be executable (git update-index --chmod=+x)");
    }

    [Fact]
    public void Install_script_without_arguments_prints_usage_and_exits_2()
    {
        var (code, output) = Run("/bin/bash", Script);
        Assert.Equal(2, code);
        Assert.Contains(Usage, output, StringComparison.Ordinal);
        Assert.Contains("<published-agent-dir> --id ID --city IBGE --kind luminaire|hotspot", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--id", Usage)]
    [InlineData("/nonexistent/agent", "/nonexistent/agent/CidadesInteligentes.Edge: not found or not executable")]
    public void Install_script_refuses_bad_arguments_with_a_message_and_exit_2(string first, string message)
    {
        var (code, output) = Run("/bin/bash", Script, first, "--id", "sc-lum-000123", "--city", "3548906");
        Assert.Equal(2, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Install_script_help_prints_usage_and_exits_0()
    {
        var (code, output) = Run("/bin/bash", Script, "--help");
        Assert.Equal(0, code);
        Assert.StartsWith(Usage, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_unit_passes_systemd_analyze_verify()
    {
        var analyze = ServerProcess.Locate("/usr/bin/systemd-analyze", "systemd");
        // verify also checks that ExecStart's program exists: point it at one that does.
        var copy = Path.Combine(_dir, "cidades-edge.service");
        var lines = File.ReadAllLines(Unit).Select(l => l.StartsWith("ExecStart=", StringComparison.Ordinal) ? "ExecStart=/bin/true run" : l);
        File.WriteAllLines(copy, lines);

        var (code, output) = Run(analyze, "verify", copy);
        Assert.True(code == 0, "systemd-analyze verify: " + output);
        // Unknown keys and unparsable values are only warnings (exit 0): none may mention the unit.
        Assert.DoesNotContain("cidades-edge.service", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_unit_keeps_restart_and_hardening_settings()
    {
        var unit = ParseUnit(File.ReadAllLines(Unit));
        Assert.Equal(["0"], unit["Unit/StartLimitIntervalSec"]); // in [Unit]: systemd ignores it in [Service]
        Assert.Equal(["always"], unit["Service/Restart"]);
        Assert.Equal(["2"], unit["Service/RestartPreventExitStatus"]);
        Assert.Equal(["/opt/cidades-inteligentes/edge/CidadesInteligentes.Edge run"], unit["Service/ExecStart"]);
        Assert.Equal(["cidades"], unit["Service/User"]);
        Assert.Equal(["yes"], unit["Service/NoNewPrivileges"]);
        Assert.Equal(["strict"], unit["Service/ProtectSystem"]);
        Assert.Equal([""], unit["Service/CapabilityBoundingSet"]);
        Assert.Equal(["closed"], unit["Service/DevicePolicy"]);
        // Any configured Hardware:I2cBus (/dev/i2c-N) and GPIO chip, not only /dev/i2c-1.
        Assert.Equal(["char-i2c rw", "char-gpiochip rw"], unit["Service/DeviceAllow"]);
    }

    private static Dictionary<string, List<string>> ParseUnit(IEnumerable<string> lines)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var section = "";
        foreach (var raw in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';')))
        {
            if (raw[0] == '[')
            {
                section = raw.Trim('[', ']');
                continue;
            }
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            var key = $"{section}/{raw[..eq]}";
            if (!result.TryGetValue(key, out var values))
            {
                result[key] = values = [];
            }
            values.Add(raw[(eq + 1)..]);
        }
        return result;
    }

    private (int Code, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CidadesInteligentes.Iot.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CidadesInteligentes.Iot.sln not found above " + AppContext.BaseDirectory);
    }
}
