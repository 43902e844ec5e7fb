using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests;

/// <summary>
/// The builds recommended for devices, as they are shipped: the edge agent is published (trimmed self-contained, and
/// Native AOT) into a temp directory and its executable runs with simulated hardware against a real Mosquitto. Trimming
/// and AOT can remove code the JIT build still has (reflection, source-generated JSON, time zones, HMAC), so the JIT
/// end-to-end tests alone do not show that the published agent works. Each publish takes 1–2 minutes on 2 cores.
/// </summary>
public sealed class PublishedBuildTests : IDisposable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly string _work = ServerProcess.CreateTempDirectory("edge-publish");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Trimmed_self_contained_agent_publishes_birth_valid_telemetry_and_shutdown_status_for_both_roles()
    {
        var exe = await PublishAsync("trimmed", "--self-contained", "-p:PublishTrimmed=true");
        await RunAgainstMosquittoAsync(exe, "luminaire", "sc-lum-pub001");
        await RunAgainstMosquittoAsync(exe, "hotspot", "sc-wifi-pub01");
    }

    [Fact]
    public async Task Native_aot_agent_publishes_birth_valid_telemetry_and_shutdown_status_for_both_roles()
    {
        var exe = await PublishAsync("aot", "-p:PublishAot=true");
        await RunAgainstMosquittoAsync(exe, "luminaire", "sc-lum-aot001");
        await RunAgainstMosquittoAsync(exe, "hotspot", "sc-wifi-aot01");
    }

    /// <summary>
    /// The Raspberry Pi build: Native AOT for linux-arm64, cross-compiled on this x64 machine with the settings the
    /// csproj supplies (clang, lld, the Debian arm64 C runtime as sysroot), then run under qemu-user against the
    /// same Mosquitto checks. It proves the device binary is built and behaves, not its speed or memory on a Pi.
    /// </summary>
    [Fact]
    public async Task Native_aot_arm64_agent_cross_built_here_runs_under_qemu_with_birth_valid_telemetry_and_shutdown_status()
    {
        var qemu = ServerProcess.Locate("qemu-aarch64-static", "qemu-user-static");
        var exe = await PublishForAsync("aot-arm64", "linux-arm64", "-p:PublishAot=true");
        var header = new byte[20];
        await using (var f = File.OpenRead(exe))
        {
            await f.ReadExactlyAsync(header);
        }
        Assert.True(header is [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, ..], $"{exe} is not a 64-bit ELF executable");
        Assert.True(BitConverter.ToUInt16(header, 18) == 0xB7, $"{exe} is for ELF machine {BitConverter.ToUInt16(header, 18)}, not aarch64 (183)");
        await RunAgainstMosquittoAsync(exe, "luminaire", "sc-lum-arm001", qemu);
        await RunAgainstMosquittoAsync(exe, "hotspot", "sc-wifi-arm01", qemu);
    }

    private Task<string> PublishAsync(string name, params string[] extra) => PublishForAsync(name, "linux-x64", extra);

    /// <summary>
    /// <c>dotnet publish</c> of the edge project with its own artifacts directory (so it never shares obj/bin with
    /// the build running these tests); NuGet settings are the repository's (the publish runs from its root).
    /// Returns the published executable.
    /// </summary>
    private async Task<string> PublishForAsync(string name, string rid, params string[] extra)
    {
        var dotnet = ServerProcess.Locate("dotnet", "dotnet-sdk-10.0");
        var root = RepoRoot();
        var output = Path.Combine(_work, name);
        var info = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["publish", Path.Combine(root, "edge", "CidadesInteligentes.Edge", "CidadesInteligentes.Edge.csproj"),
                     "-c", "Release", "-r", rid, "-o", output, "--artifacts-path", Path.Combine(_work, name + "-artifacts"),
                     "--disable-build-servers", "--nologo", "-v", "q", .. extra])
        {
            info.ArgumentList.Add(a);
        }
        // `dotnet test` exports MSBuild locations for its own build; a child publish must find its SDK by itself.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var log = new ConcurrentQueue<string>();
        using var p = Process.Start(info) ?? throw new InvalidOperationException("dotnet publish did not start");
        p.OutputDataReceived += (_, e) => Add(log, e.Data);
        p.ErrorDataReceived += (_, e) => Add(log, e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet publish ({name}) took more than 6 minutes:\n" + string.Join('\n', log));
        }
        Assert.True(p.ExitCode == 0, $"dotnet publish ({name}) failed with exit code {p.ExitCode}:\n" + string.Join('\n', log));
        var exe = Path.Combine(output, "CidadesInteligentes.Edge");
        Assert.True(File.Exists(exe), $"the {name} publish has no executable {exe}:\n" + string.Join('\n', log));
        // One file to install: trimmed publishes are single-file (the csproj), AOT is native; no managed entry
        // assembly or runtime library lies beside the executable.
        Assert.False(File.Exists(Path.Combine(output, "CidadesInteligentes.Edge.dll")), $"{name} publish is not a single executable: {string.Join(", ", Directory.GetFiles(output))}");
        Assert.False(File.Exists(Path.Combine(output, "libcoreclr.so")), $"{name} publish is not a single executable: {string.Join(", ", Directory.GetFiles(output))}");
        return exe;
    }

    /// <summary>
    /// Runs the published agent (through <paramref name="launcher"/> when given, the executable as its first
    /// argument) with simulated hardware against a fresh Mosquitto until birth, two valid telemetry messages and
    /// the shutdown status after SIGTERM.
    /// </summary>
    private async Task RunAgainstMosquittoAsync(string exe, string kind, string device, string? launcher = null)
    {
        var prefix = $"ci/v1/3548906/{kind}/{device}/";
        await using var broker = await MosquittoServer.StartAsync();
        var received = new ConcurrentQueue<(string Topic, byte[] Payload)>();
        await using var observer = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "pub-observer-" + device });
        await observer.ConnectAsync();
        await observer.SubscribeAsync(prefix + "#", 1);
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var m in observer.Messages.ReadAllAsync(cts.Token))
            {
                received.Enqueue((m.Topic, m.Payload.ToArray()));
            }
        });

        var state = Path.Combine(_work, "state-" + device);
        Directory.CreateDirectory(state);
        var info = new ProcessStartInfo(launcher ?? exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (launcher is not null)
        {
            info.ArgumentList.Add(exe);
        }
        foreach (var a in (string[])["run", "--config", Path.Combine(state, "none.json"),
                     "--Device:Id", device, "--Device:City", "3548906", "--Device:Kind", kind,
                     "--Device:Latitude", "-22.0175", "--Device:Longitude", "-47.8908", "--Device:StateDirectory", state,
                     "--Mqtt:Port", broker.Port.ToString(Inv), "--Mqtt:Password", "test-secret-0123456789",
                     "--Hardware:Mode", "Simulated", "--Telemetry:IntervalSeconds", "1", "--Hotspot:ProbeTargets", "127.0.0.1:" + broker.Port.ToString(Inv)])
        {
            info.ArgumentList.Add(a);
        }
        var log = new ConcurrentQueue<string>();
        using var agent = Process.Start(info) ?? throw new InvalidOperationException(exe + " did not start");
        agent.OutputDataReceived += (_, e) => Add(log, e.Data);
        agent.ErrorDataReceived += (_, e) => Add(log, e.Data);
        agent.BeginOutputReadLine();
        agent.BeginErrorReadLine();
        string Log() => $"\n{kind} agent output:\n" + string.Join('\n', log);
        try
        {
            List<(string Stream, byte[] Payload)> Messages() => received.ToArray()
                .Where(m => m.Topic.StartsWith(prefix, StringComparison.Ordinal))
                .Select(m => (m.Topic[prefix.Length..], m.Payload)).ToList();
            List<DeviceStatus> Statuses() => Messages().Where(m => m.Stream == "status")
                .Select(m => JsonSerializer.Deserialize(m.Payload, TelemetryJson.Default.DeviceStatus)!).ToList();

            // Birth: the retained online status, with the role and firmware.
            await Wait.UntilAsync(() => Statuses().Any(s => s.State == "online"), "online status" + Log(), TimeSpan.FromSeconds(30));
            var birth = Statuses().First(s => s.State == "online");
            Assert.Equal(kind, birth.Kind);
            Assert.False(string.IsNullOrEmpty(birth.Firmware));

            // Telemetry (every second): each message passes the cloud's contract validation.
            await Wait.UntilAsync(() => Messages().Count(m => m.Stream == "telemetry") >= 2, "2 telemetry messages" + Log(), TimeSpan.FromSeconds(30));
            var telemetry = Messages().Where(m => m.Stream == "telemetry").ToList();
            foreach (var (_, payload) in telemetry)
            {
                var v = TelemetryValidator.Validate(prefix + "telemetry", payload, DateTimeOffset.UtcNow);
                Assert.True(v.IsValid, Encoding.UTF8.GetString(payload) + ": " + v.Describe() + Log());
            }
            long? firstSeq = kind == "luminaire"
                ? JsonSerializer.Deserialize(telemetry[0].Payload, TelemetryJson.Default.LuminaireTelemetry)!.Seq
                : JsonSerializer.Deserialize(telemetry[0].Payload, TelemetryJson.Default.HotspotTelemetry)!.Seq;
            Assert.Equal(1, firstSeq);

            // SIGTERM (systemctl stop): a clean exit after the offline status with reason shutdown.
            using (var kill = Process.Start("kill", ["-TERM", agent.Id.ToString(Inv)]))
            {
                await kill.WaitForExitAsync();
            }
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await agent.WaitForExitAsync(exit.Token);
            Assert.True(agent.ExitCode == 0, $"exit code {agent.ExitCode}" + Log());
            await Wait.UntilAsync(() => Statuses().Any(s => s is { State: "offline", Reason: "shutdown" }), "shutdown status" + Log());
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }
            await cts.CancelAsync();
            try
            {
                await reader;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static void Add(ConcurrentQueue<string> log, string? line)
    {
        if (line is not null)
        {
            log.Enqueue(line);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CidadesInteligentes.Iot.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CidadesInteligentes.Iot.sln not found above " + AppContext.BaseDirectory + ": the publish tests run from the repository's test output.");
    }
}
