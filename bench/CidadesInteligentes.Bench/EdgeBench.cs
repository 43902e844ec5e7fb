using System.Diagnostics;
using System.Globalization;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;

/// <summary>
/// Edge agent footprint: starts the agent (framework-dependent, simulated hardware) against Mosquitto and measures the
/// time from process start to its first publish, then its resident memory after it has been idle for a while.
/// </summary>
internal static class EdgeBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync()
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        Console.WriteLine($"{"role",-10}{"start→first publish ms",24}{"idle RSS MB (after 20 s)",26}");
        foreach (var kind in new[] { "luminaire", "hotspot" })
        {
            var (firstMs, rssMb) = await MeasureAsync(kind, mosquitto.Port);
            Console.WriteLine($"{kind,-10}{firstMs,24:N0}{rssMb,26:N1}");
        }
    }

    private static async Task<(double FirstMs, double RssMb)> MeasureAsync(string kind, int port)
    {
        var id = kind == "luminaire" ? "sc-lum-000900" : "sc-wifi-09";
        await using var sub = new MqttClient(new MqttClientOptions { Port = port, ClientId = "bench-sub-" + kind });
        await sub.ConnectAsync();
        await sub.SubscribeAsync($"ci/v1/3548906/{kind}/{id}/#", 1);
        var dir = ServerProcess.CreateTempDirectory("bench-edge");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "CidadesInteligentes.Edge.dll"), "run",
                     "--Device:Id", id, "--Device:City", "3548906", "--Device:Kind", kind, "--Device:Latitude", "-22.0087", "--Device:Longitude", "-47.8909",
                     "--Device:StateDirectory", dir, "--Mqtt:Host", "127.0.0.1", "--Mqtt:Port", port.ToString(Inv), "--Mqtt:Password", "bench-secret-0123456789abcdef",
                     "--Hardware:Mode", "Simulated", "--Telemetry:IntervalSeconds", "60", "--Logging:LogLevel:Default", "Warning"])
        {
            info.ArgumentList.Add(a);
        }
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await sub.Messages.ReadAsync(timeout.Token);
        var first = sw.Elapsed.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(20));
        var rss = File.ReadAllLines($"/proc/{p.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = double.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv);
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
        try
        {
            Directory.Delete(dir, true);
        }
        catch (IOException)
        {
        }
        return (first, kb / 1024);
    }
}
