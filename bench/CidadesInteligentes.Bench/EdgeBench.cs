using System.Diagnostics;
using System.Globalization;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;

/// <summary>
/// Edge agent footprint: starts the agent (framework-dependent, simulated hardware) against Mosquitto and measures the
/// time from process start to its first publish, then its resident memory after it has been idle for a while.
/// <c>edge --trimmed PATH</c> also measures a trimmed self-contained publish (PATH is its executable), e.g.
/// <c>dotnet publish edge/CidadesInteligentes.Edge -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -o /tmp/edge-trim</c>
/// then <c>edge --trimmed /tmp/edge-trim/CidadesInteligentes.Edge</c> (a trimmed publish is single-file, see the Edge
/// csproj; add <c>-p:PublishSingleFile=false</c> to measure the multi-file layout); <c>--aot PATH</c> likewise for a
/// <c>-p:PublishAot=true</c> publish. The published tests (tests/CidadesInteligentes.Edge.Tests/PublishedBuildTests.cs)
/// check that both builds work; this bench only measures them.
/// The hotspot runs twice per build: with simulated probes, and as on a pole (<c>Hardware:Mode Linux</c>): TCP probes to
/// the broker, DNS, the captive-portal check and the throughput download against a loopback HTTP server in this
/// process, stations from an <c>iw</c> on PATH that prints a real station dump, WAN counters from /sys/class/net.
/// </summary>
internal static class EdgeBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync()
    {
        // Program.cs passes no arguments on; read "--trimmed PATH" from the process command line.
        var args = Environment.GetCommandLineArgs();
        var at = Array.IndexOf(args, "--trimmed");
        var trimmed = at >= 0 && at + 1 < args.Length ? Path.GetFullPath(args[at + 1]) : null;
        var atAot = Array.IndexOf(args, "--aot");
        var aot = atAot >= 0 && atAot + 1 < args.Length ? Path.GetFullPath(args[atAot + 1]) : null;
        await using var mosquitto = await MosquittoServer.StartAsync();
        using var probes = ProbeServer.Start();
        Console.WriteLine($"{"build",-24}{"role",-16}{"start→first publish ms",24}{"RSS MB after 20 s",20}{"after 5 min",14}");
        var dll = Path.Combine(AppContext.BaseDirectory, "CidadesInteligentes.Edge.dll");
        var builds = new List<(string Name, string Executable, string? Dll, string[] Environment)>
        {
            ("framework-dependent", "dotnet", dll, []),
            // as edge/deploy/cidades-edge.service runs it: the framework's precompiled (ReadyToRun) code is not used
            // and the tiered JIT compiles what the agent calls; see docs/performance.md
            ("fw-dep., unit env.", "dotnet", dll, ["DOTNET_ReadyToRun=0", "DOTNET_TieredCompilation=1"]),
        };
        if (trimmed is not null)
        {
            builds.Add(("trimmed self-contained", trimmed, null, []));
        }
        if (aot is not null)
        {
            builds.Add(("native AOT", aot, null, []));
        }
        // Start-up is measured one agent at a time; each then keeps running (idle, telemetry every 60 s) so that its
        // resident memory is read again once it has lived 5 minutes: the 20 s figure is before the agent's first
        // telemetry cycles, tiered recompilation and garbage collection.
        var running = new List<(string Name, string Kind, double FirstMs, double RssMb, RunningAgent Agent)>();
        try
        {
            for (var b = 0; b < builds.Count; b++)
            {
                var (name, executable, path, environment) = builds[b];
                foreach (var role in new[] { "luminaire", "hotspot", "hotspot+probes" })
                {
                    var (firstMs, rssMb, agent) = await MeasureAsync(role, b, mosquitto.Port, executable, path, environment, probes);
                    running.Add((name, role, firstMs, rssMb, agent));
                }
            }
            foreach (var (name, kind, firstMs, rssMb, agent) in running)
            {
                var wait = LongIdle - agent.Age;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
                Console.WriteLine($"{name,-24}{kind,-16}{firstMs,24:N0}{rssMb,20:N1}{agent.RssMb(),14:N1}");
            }
        }
        finally
        {
            foreach (var r in running)
            {
                await r.Agent.DisposeAsync();
            }
        }
    }

    private static readonly TimeSpan LongIdle = TimeSpan.FromMinutes(5);

    /// <summary>An agent process under measurement, killed and its state directory removed when disposed.</summary>
    private sealed class RunningAgent(Process process, string directory, Stopwatch age) : IAsyncDisposable
    {
        public TimeSpan Age => age.Elapsed;

        public double RssMb()
        {
            var rss = File.ReadAllLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return double.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv) / 1024;
        }

        public async ValueTask DisposeAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            try
            {
                Directory.Delete(directory, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<(double FirstMs, double RssMb, RunningAgent Agent)> MeasureAsync(string role, int build, int port, string executable, string? dll, string[] environment, ProbeServer probes)
    {
        var kind = role == "luminaire" ? "luminaire" : "hotspot";
        var realProbes = role == "hotspot+probes";
        // a distinct device per build and role: the previous one's retained status must not count as the first publish
        var id = role switch { "luminaire" => $"sc-lum-00090{build}", "hotspot" => $"sc-wifi-0{9 - build}", _ => $"sc-wifi-1{9 - build}" };
        await using var sub = new MqttClient(new MqttClientOptions { Port = port, ClientId = "bench-sub-" + kind });
        await sub.ConnectAsync();
        await sub.SubscribeAsync($"ci/v1/3548906/{kind}/{id}/#", 1);
        var dir = ServerProcess.CreateTempDirectory("bench-edge");
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (dll is not null)
        {
            info.ArgumentList.Add(dll);
        }
        foreach (var variable in environment)
        {
            var eq = variable.IndexOf('=', StringComparison.Ordinal);
            info.Environment[variable[..eq]] = variable[(eq + 1)..];
        }
        foreach (var a in (string[])["run",
                     "--Device:Id", id, "--Device:City", "3548906", "--Device:Kind", kind, "--Device:Latitude", "-22.0087", "--Device:Longitude", "-47.8909",
                     "--Device:StateDirectory", dir, "--Mqtt:Host", "127.0.0.1", "--Mqtt:Port", port.ToString(Inv), "--Mqtt:Password", "bench-secret-0123456789abcdef",
                     "--Hardware:Mode", realProbes ? "Linux" : "Simulated", "--Telemetry:IntervalSeconds", "60", "--Logging:LogLevel:Default", "Warning"])
        {
            info.ArgumentList.Add(a);
        }
        if (realProbes)
        {
            info.Environment["PATH"] = probes.BinDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
            foreach (var a in (string[])["--Hotspot:ProbeTargets", $"127.0.0.1:{port},127.0.0.1:{probes.Port}", "--Hotspot:DnsNames", "localhost",
                         "--Hotspot:PortalUrl", probes.Url("portal"), "--Hotspot:ThroughputUrl", probes.Url("download"), "--Hotspot:WanInterface", "lo"])
            {
                info.ArgumentList.Add(a);
            }
        }
        var sw = Stopwatch.StartNew();
        var p = Process.Start(info)!;
        var agent = new RunningAgent(p, dir, sw);
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await sub.Messages.ReadAsync(timeout.Token);
        var first = sw.Elapsed.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(20));
        return (first, agent.RssMb(), agent);
    }
}
