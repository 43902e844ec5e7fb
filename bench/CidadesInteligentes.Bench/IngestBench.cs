using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;

/// <summary>
/// End-to-end ingest: devices publish luminaire telemetry at QoS 1 → broker → ingestor → SQLite commit. Two set-ups in
/// the same run with the same load generator: the cloud's embedded broker, and Mosquitto with the cloud consuming
/// through a $share group. Prints msg/s from first publish to last commit, p50/p99 publish-to-commit latency (commit
/// seen in the SQLite file by <see cref="CommitWatcher"/>, the same way in both set-ups), p99 publish-to-PUBACK and
/// the cloud process's CPU-µs per message. Since 2026-12-04 each set-up is warmed up first (40,000 messages from
/// other devices), so the figures are the sustained state, without the JIT's start-up work.
/// </summary>
internal static partial class IngestBench
{
    private const int Devices = 8;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="messages">Messages in all (the paced runs send at most 60,000).</param>
    /// <param name="devices">
    /// Device connections, each its own MQTT client with its own identity. 8 (the default) floods through few
    /// connections with a deep in-flight window (512 each); a fleet (e.g. 5,000) is the state's shape: many
    /// connections, a few messages each, every batch about one message per device, a window of 4 per device.
    /// </param>
    /// <param name="setups">"both" (the default), or only "embedded" or "mosquitto" (flood and paced), e.g. to profile one.</param>
    public static async Task RunAsync(int messages, int devices = Devices, string setups = "both")
    {
        if (setups is not ("both" or "embedded" or "mosquitto"))
        {
            throw new ArgumentException($"set-ups: both, embedded or mosquitto, not '{setups}'", nameof(setups));
        }
        Console.WriteLine($"ingest: {devices:N0} devices, {messages:N0} QoS 1 luminaire telemetry messages, SQLite store");
        var results = new List<Result>();
        var embedded = setups != "mosquitto";
        var viaMosquitto = setups != "embedded";
        if (embedded)
        {
            results.Add(await RunOnceAsync(messages, devices, mosquitto: false));
        }
        if (viaMosquitto)
        {
            results.Add(await RunOnceAsync(messages, devices, mosquitto: true));
        }
        // latency below saturation: half of the 25k msg/s target. Both set-ups: under a flood Mosquitto frees the
        // publishers' in-flight window on receipt, so its backlog queues in Mosquitto and publish→commit there grows
        // with the length of the run rather than being bounded by the window as with the embedded broker
        if (embedded)
        {
            results.Add(await RunOnceAsync(Math.Min(messages, 60_000), devices, mosquitto: false, totalRate: 12_500));
        }
        if (viaMosquitto)
        {
            results.Add(await RunOnceAsync(Math.Min(messages, 60_000), devices, mosquitto: true, totalRate: 12_500));
        }
        Console.WriteLine();
        // p50/p99: publish→commit (seen in SQLite); PUBACK p99: publish→PUBACK, which is publish→commit with the
        // embedded broker (it acknowledges after the commit) but publish→receipt with Mosquitto
        Console.WriteLine($"{"set-up",-26}{"msg/s",12}{"p50 ms",10}{"p99 ms",10}{"PUBACK p99",12}{"cloud CPU µs/msg",18}{"mosquitto µs/msg",18}{"cores busy",12}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Name,-26}{r.Rate,12:N0}{r.P50,10:N1}{r.P99,10:N1}{r.PubackP99,12:N1}{r.CpuMicros,18:N2}{r.BrokerCpuMicros,18:N2}{r.CoresBusy,12:N2}");
        }
        if (embedded && viaMosquitto)
        {
            Console.WriteLine($"ratio embedded/mosquitto throughput: {results[0].Rate / results[1].Rate:N2}");
        }
        await InProcessAsync(messages, devices);
    }

    /// <param name="BrokerCpuMicros">Mosquitto's CPU per message (0 with the embedded broker, which is in the cloud's figure).</param>
    /// <param name="CoresBusy">Cloud + Mosquitto + load generator CPU over the run's wall time, in cores (the machine has 2).</param>
    private sealed record Result(string Name, double Rate, double P50, double P99, double PubackP99, double CpuMicros, double BrokerCpuMicros, double CoresBusy);

    private static async Task<Result> RunOnceAsync(int messages, int devices, bool mosquitto, double totalRate = 0)
    {
        var dir = ServerProcess.CreateTempDirectory("bench-ingest");
        var httpPort = FreePort.Next();
        MosquittoServer? broker = null;
        int mqttPort;
        var args = new List<string> { "--urls", $"http://127.0.0.1:{httpPort}", "--Storage:Directory", dir, "--Reports:Enabled", "false", "--Logging:LogLevel:Default", "Warning" };
        if (mosquitto)
        {
            // persistence as deployed (Debian's mosquitto.conf: persistence on, the default 30-minute autosave), not the test
            // fixture's save every second, which rewrote the whole database (5,000 sessions) each second of the run
            broker = await MosquittoServer.StartAsync($"max_inflight_messages 0\nmax_queued_messages 0\nmax_queued_bytes 0\n{Bench.DeployedAutosave}");
            mqttPort = broker.Port;
            args.AddRange(["--Broker:Enabled", "false", "--Upstream:Host", "127.0.0.1", "--Upstream:Port", mqttPort.ToString(Inv), "--Upstream:ClientId", "bench-cloud"]);
        }
        else
        {
            mqttPort = FreePort.Next();
            args.AddRange(["--Broker:Port", mqttPort.ToString(Inv)]);
        }
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CidadesInteligentes.Cloud.dll"));
        args.ForEach(info.ArgumentList.Add);
        using var cloud = Process.Start(info)!;
        cloud.OutputDataReceived += (_, _) => { };
        cloud.ErrorDataReceived += (_, _) => { };
        cloud.BeginOutputReadLine();
        cloud.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        await Wait.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("/healthz")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "cloud ready", TimeSpan.FromSeconds(60));

        // warm-up: the JIT compiles (and re-compiles at tier 1) the whole path in the first seconds, which in a run of
        // a few seconds was a seventh of the cloud's CPU (perf: libclrjit 14 % of its samples); measure the sustained state
        var warmed = await WarmUpAsync(mqttPort, http);

        var inflight = devices <= 64 ? 512 : 4;
        var clients = new MqttClient[devices];
        // connected 50 at a time (a fleet's devices reconnect at different moments, not all at once)
        for (var first = 0; first < devices; first += 50)
        {
            await Task.WhenAll(Enumerable.Range(first, Math.Min(50, devices - first)).Select(async d =>
            {
                var id = $"sc-lum-{d + 1:D6}";
                var c = new MqttClient(new MqttClientOptions { Port = mqttPort, ClientId = id, Username = id, MaxInflight = inflight, CleanStart = true });
                await c.ConnectAsync();
                clients[d] = c;
            }));
        }
        var perDevice = messages / devices;
        var latencies = new double[perDevice * devices];
        var publishedMs = new double[perDevice * devices];
        var cpuBefore = ProcStat.CpuSeconds(cloud.Id);
        var brokerCpuBefore = broker is null ? 0 : ProcStat.CpuSeconds(broker.ProcessId);
        var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var ts0 = DateTimeOffset.UtcNow.AddDays(-1);
        var sw = Stopwatch.StartNew();
        using var watcher = new CommitWatcher(Path.Combine(dir, "cidades.db"), [.. Enumerable.Range(1, devices).Select(d => $"sc-lum-{d:D6}")], perDevice, sw);
        await Task.WhenAll(clients.Select((c, d) => Task.Run(async () =>
        {
            var window = new SemaphoreSlim(inflight);
            var pending = new List<Task>(perDevice);
            var perDeviceRate = totalRate / devices;
            for (var i = 0; i < perDevice; i++)
            {
                if (perDeviceRate > 0)
                {
                    var due = TimeSpan.FromSeconds(i / perDeviceRate);
                    if (due > sw.Elapsed)
                    {
                        await Task.Delay(due - sw.Elapsed);
                    }
                }
                await window.WaitAsync();
                var seq = i + 1;
                var payload = LuminairePayload(seq, ts0.AddSeconds(seq), seq);
                var slot = (d * perDevice) + i;
                var started = sw.Elapsed.TotalMilliseconds;
                publishedMs[slot] = started;
                pending.Add(c.PublishAsync($"ci/v1/3548906/luminaire/sc-lum-{d + 1:D6}/telemetry", payload).ContinueWith(_ =>
                {
                    latencies[slot] = sw.Elapsed.TotalMilliseconds - started;
                    window.Release();
                }, TaskScheduler.Default));
            }
            await Task.WhenAll(pending);
        })));
        var total = perDevice * devices;
        await Wait.UntilAsync(async () =>
        {
            var stats = await http.GetFromJsonAsync<JsonElement>("/api/ingest/stats");
            if (stats.GetProperty("rejectedTotal").GetInt64() > 0)
            {
                throw new InvalidOperationException("the cloud rejected bench messages: " + stats.GetProperty("rejected"));
            }
            return stats.GetProperty("stored").GetInt64() >= warmed + total;
        }, "every message committed", TimeSpan.FromMinutes(10));
        var elapsed = sw.Elapsed.TotalSeconds;
        var cpu = ProcStat.CpuSeconds(cloud.Id) - cpuBefore;
        var brokerCpu = broker is null ? 0 : ProcStat.CpuSeconds(broker.ProcessId) - brokerCpuBefore;
        // the load generator (publishers and the commit watcher) shares the two cores: its share says how much of the
        // machine was left to the system under test
        var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpuBefore;
        await watcher.WaitAllAsync(TimeSpan.FromSeconds(30));
        watcher.Dispose();
        var commitLatencies = new double[total];
        for (var i = 0; i < total; i++)
        {
            commitLatencies[i] = watcher.CommittedMs[i] - publishedMs[i];
        }
        Array.Sort(commitLatencies);
        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }
        cloud.Kill(entireProcessTree: true);
        await cloud.WaitForExitAsync();
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }
        Array.Sort(latencies);
        // with the embedded broker a PUBACK is sent only after the commit, so publish→PUBACK is publish→commit (plus
        // the PUBACK's trip back); through Mosquitto the PUBACK comes from Mosquitto on receipt, so publish→PUBACK is
        // publish→broker only: the p50/p99 columns are therefore taken from the commit watcher in both set-ups
        var name = (mosquitto, totalRate > 0) switch
        {
            (true, true) => $"mosquitto @ {totalRate / 1000:0.#}k msg/s",
            (true, false) => "mosquitto + cloud (share)",
            (false, true) => $"embedded @ {totalRate / 1000:0.#}k msg/s",
            _ => "embedded broker + cloud",
        };
        try
        {
            Directory.Delete(dir, true);
        }
        catch (IOException)
        {
        }
        Console.WriteLine($"{name}: {watcher.Summary}");
        return new Result(name, total / elapsed, commitLatencies[total / 2], commitLatencies[(int)(total * 0.99)], latencies[(int)(total * 0.99)], cpu * 1e6 / total,
            brokerCpu * 1e6 / total, (cpu + brokerCpu + benchCpu) / elapsed);
    }

    /// <summary>
    /// 40,000 messages from 8 devices of their own (not the measured ones) through the same broker, until all are
    /// stored; then a pause for the tiered JIT's background compilations. Returns the cloud's stored count.
    /// </summary>
    private static async Task<long> WarmUpAsync(int mqttPort, HttpClient http)
    {
        const int WarmDevices = 8, PerDevice = 5_000;
        var ts0 = DateTimeOffset.UtcNow.AddDays(-2);
        await Task.WhenAll(Enumerable.Range(0, WarmDevices).Select(async d =>
        {
            var id = $"sc-lum-{900_001 + d:D6}";
            await using var c = new MqttClient(new MqttClientOptions { Port = mqttPort, ClientId = id, Username = id, MaxInflight = 512, CleanStart = true });
            await c.ConnectAsync();
            var window = new SemaphoreSlim(512);
            var pending = new List<Task>(PerDevice);
            for (var seq = 1; seq <= PerDevice; seq++)
            {
                await window.WaitAsync();
                pending.Add(c.PublishAsync($"ci/v1/3548906/luminaire/{id}/telemetry", LuminairePayload(seq, ts0.AddSeconds(seq), seq))
                    .ContinueWith(_ => window.Release(), TaskScheduler.Default));
            }
            await Task.WhenAll(pending);
        }));
        long stored = 0;
        await Wait.UntilAsync(async () =>
        {
            stored = (await http.GetFromJsonAsync<JsonElement>("/api/ingest/stats")).GetProperty("stored").GetInt64();
            return stored >= WarmDevices * PerDevice;
        }, "warm-up stored", TimeSpan.FromMinutes(5));
        await Task.Delay(1_000);
        return stored;
    }

    /// <summary>A realistic luminaire telemetry payload (every field, ≈ 240 bytes).</summary>
    private static byte[] LuminairePayload(long seq, DateTimeOffset ts, long counter) => Encoding.UTF8.GetBytes(string.Create(Inv,
        $$"""{"v":1,"seq":{{seq}},"ts":"{{ts:yyyy-MM-ddTHH:mm:ssZ}}","energyWh":{{1000 + (counter * 0.9):F1}},"burnSeconds":{{counter * 60}},"powerW":54.2,"voltageV":221.3,"currentA":0.25,"powerFactor":0.97,"dimPercent":70,"lampOn":true,"ambientLux":3.1,"uptimeS":{{counter * 60}}}"""));
}
