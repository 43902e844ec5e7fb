using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;

internal static class Bench
{
    private const int PayloadSize = 185;
    private const int Publishers = 8;
    private const int PacedRate = 20_000;
    private const int PacedMessages = 60_000;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Mosquitto's persistence as deployed: Debian's mosquitto.conf keeps persistence on with the default autosave
    /// (every 30 minutes). The test fixture saves every second so a restart test loses nothing; in a benchmark that
    /// rewrites the whole database (every session and queued message) each second. Mosquitto takes the last value.
    /// </summary>
    public const string DeployedAutosave = "autosave_interval 1800";

    public static async Task RunBrokerAsync(int port)
    {
        var options = new BrokerOptions
        {
            Address = IPAddress.Loopback,
            Port = port,
            MaxQueuedPerSession = 1_000_000,
            MaxSendQueue = 1_000_000,
        };
        await using var broker = new MqttBroker(options);
        await broker.StartAsync();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync(); // parent closes stdin to stop us
    }

    public static async Task MqttAsync(int messages)
    {
        messages -= messages % Publishers;
        Console.WriteLine($"load: {Publishers} publishers -> 1 subscriber, {PayloadSize}-byte payload, {messages:N0} messages per run, TCP_NODELAY on, loopback");
        Console.WriteLine($"{"broker",-16} {"qos",3} {"msg/s",10} {"p50 ms",8} {"p99 ms",8} {"cpu-s/100k",10} {"lost",6}");
        var results = new Dictionary<(string, int), Result>();
        foreach (var target in new[] { "ours", "mosquitto" })
        {
            foreach (var qos in new[] { 0, 1 })
            {
                var port = FreePort.Next();
                await using var broker = await BrokerProcess.StartAsync(target, port);
                var r = await RunLoadAsync(port, qos, messages, broker.CpuSeconds, rate: 0);
                results[(target, qos)] = r;
                Console.WriteLine($"{target,-16} {qos,3} {r.Rate,10:N0} {r.P50,8:F2} {r.P99,8:F2} {r.CpuPer100k,10:F3} {r.Lost,6}");
                // the flood measures saturation; a paced run below it measures latency without queueing
                var paced = await RunLoadAsync(port, qos, PacedMessages, broker.CpuSeconds, PacedRate);
                results[(target + "-paced", qos)] = paced;
                Console.WriteLine($"{target + " @" + (PacedRate / 1000) + "k/s",-16} {qos,3} {paced.Rate,10:N0} {paced.P50,8:F2} {paced.P99,8:F2} {paced.CpuPer100k,10:F3} {paced.Lost,6}");
            }
        }
        Console.WriteLine();
        foreach (var qos in new[] { 0, 1 })
        {
            var o = results[("ours", qos)];
            var m = results[("mosquitto", qos)];
            Console.WriteLine(string.Create(Inv, $"ratio ours/mosquitto qos {qos}: throughput {o.Rate / m.Rate:F2}x, p50 {o.P50 / m.P50:F2}x, p99 {o.P99 / m.P99:F2}x, cpu/100k {o.CpuPer100k / m.CpuPer100k:F2}x"));
            var op = results[("ours-paced", qos)];
            var mp = results[("mosquitto-paced", qos)];
            Console.WriteLine(string.Create(Inv, $"ratio ours/mosquitto qos {qos} paced at {PacedRate} msg/s: p50 {op.P50 / mp.P50:F2}x, p99 {op.P99 / mp.P99:F2}x, cpu/100k {op.CpuPer100k / mp.CpuPer100k:F2}x"));
        }
    }

    private sealed record Result(double Rate, double P50, double P99, double CpuPer100k, int Lost);

    private static async Task<Result> RunLoadAsync(int port, int qos, int messages, Func<double> cpu, int rate)
    {
        var subOptions = new MqttClientOptions { Port = port, ClientId = "bench-sub", Version = MqttProtocolVersion.V500, IncomingCapacity = 100_000 };
        await using var sub = new MqttClient(subOptions);
        await sub.ConnectAsync();
        await sub.SubscribeAsync("bench/#", qos);
        var pubs = new List<MqttClient>();
        for (var i = 0; i < Publishers; i++)
        {
            var p = new MqttClient(new MqttClientOptions { Port = port, ClientId = $"bench-pub-{i}", Version = MqttProtocolVersion.V500, MaxInflight = 1024 });
            await p.ConnectAsync();
            pubs.Add(p);
        }
        var latencies = new double[messages];
        var received = 0;
        var cpuBefore = cpu();
        var clock = Stopwatch.StartNew();
        var receiver = Task.Run(async () =>
        {
            while (received < messages)
            {
                using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                MqttMessage m;
                try
                {
                    m = await sub.Messages.ReadAsync(idle.Token);
                }
                catch (OperationCanceledException)
                {
                    return; // QoS 0 may drop under overload; count the loss
                }
                var sent = BinaryPrimitives.ReadInt64LittleEndian(m.Payload.Span);
                latencies[received++] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        });
        var perPublisher = messages / Publishers;
        var senders = pubs.Select(p => Task.Run(async () =>
        {
            var pending = new List<Task>(512);
            var interval = rate == 0 ? 0 : Stopwatch.Frequency * Publishers / (double)rate; // ticks between two sends of one publisher
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < perPublisher; i++)
            {
                while (rate > 0 && Stopwatch.GetTimestamp() - started < i * interval)
                {
                    await Task.Delay(1);
                }
                var payload = new byte[PayloadSize];
                BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
                pending.Add(p.PublishAsync("bench/load", payload, qos));
                if (pending.Count == 512)
                {
                    await Task.WhenAll(pending);
                    pending.Clear();
                }
            }
            await Task.WhenAll(pending);
        })).ToList();
        await Task.WhenAll(senders);
        await receiver;
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuUsed = cpu() - cpuBefore;
        foreach (var p in pubs)
        {
            await p.DisposeAsync();
        }
        var got = received;
        var sorted = latencies.AsSpan(0, got).ToArray();
        Array.Sort(sorted);
        double Pct(double q) => got == 0 ? double.NaN : sorted[Math.Min(got - 1, (int)(q * got))];
        return new Result(got / elapsed, Pct(0.50), Pct(0.99), cpuUsed / got * 100_000, messages - got);
    }

    /// <summary>A broker in its own process, with CPU time read from /proc/&lt;pid&gt;/stat (utime + stime).</summary>
    private sealed class BrokerProcess : IAsyncDisposable
    {
        private readonly Process? _ours;
        private readonly MosquittoServer? _mosquitto;
        private readonly int _pid;

        private BrokerProcess(Process? ours, MosquittoServer? mosquitto)
        {
            _ours = ours;
            _mosquitto = mosquitto;
            _pid = ours?.Id ?? mosquitto!.ProcessId;
        }

        public static async Task<BrokerProcess> StartAsync(string target, int port)
        {
            if (target == "mosquitto")
            {
                return new BrokerProcess(null, await MosquittoServer.StartAsync($"set_tcp_nodelay true\nmax_inflight_messages 1024\nmax_queued_messages 0\nmax_queued_bytes 0\n{DeployedAutosave}", port));
            }
            // under the apphost ProcessPath is this program; under "dotnet x.dll" it is dotnet and needs the dll
            var host = Environment.ProcessPath!;
            var arguments = Path.GetFileNameWithoutExtension(host) == "dotnet"
                ? $"\"{typeof(Bench).Assembly.Location}\" broker {port}"
                : $"broker {port}";
            var info = new ProcessStartInfo(host, arguments)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            info.Environment["DOTNET_gcServer"] = "0";
            var p = Process.Start(info)!;
            var line = await p.StandardOutput.ReadLineAsync();
            if (line != "ready")
            {
                throw new InvalidOperationException($"bench broker child did not start: {line}");
            }
            return new BrokerProcess(p, null);
        }

        public double CpuSeconds() => ProcStat.CpuSeconds(_pid);

        public async ValueTask DisposeAsync()
        {
            if (_ours is not null)
            {
                _ours.StandardInput.Close();
                if (!_ours.WaitForExit(5000))
                {
                    _ours.Kill();
                }
                _ours.Dispose();
            }
            if (_mosquitto is not null)
            {
                await _mosquitto.DisposeAsync();
            }
        }
    }

    public static void Codec()
    {
        var packet = new PublishPacket { Topic = "ci/v1/3548906/luminaire/sc-lum-0001/telemetry", Payload = new byte[PayloadSize], Qos = 1, PacketId = 42 };
        var writer = new ArrayBufferWriter<byte>(1024);
        var bytes = MqttCodec.ToArray(packet, MqttProtocolVersion.V500);
        Console.WriteLine($"PUBLISH QoS 1, {PayloadSize}-byte payload, {bytes.Length} bytes on the wire (5.0)");
        // The delegate is called once per round and loops itself, so the harness adds no per-operation call.
        Measure("encode", n =>
        {
            for (var i = 0; i < n; i++)
            {
                writer.ResetWrittenCount();
                MqttCodec.Write(writer, packet, MqttProtocolVersion.V500);
            }
        });
        Measure("decode", n =>
        {
            for (var i = 0; i < n; i++)
            {
                var seq = new ReadOnlySequence<byte>(bytes);
                MqttCodec.TryReadPacket(ref seq, MqttProtocolVersion.V500, 1 << 20, out _);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="loop"/> for 7 rounds of ~250 ms after a 2 s warm-up and prints the median round
    /// in wall-clock time and in CPU time of this thread. On a shared box the wall clock also counts the time the
    /// thread waited for a core; the thread's CPU time (Linux /proc/thread-self/schedstat, in ns) does not.
    /// </summary>
    private static void Measure(string name, Action<int> loop)
    {
        // Warm up by time, not by count: tier-1 code replaces tier-0 only after a quiet period of ~100 ms with no new
        // tier-0 methods, so a fixed 100k-op warm-up (a few ms) would time the first rounds in unoptimised code.
        var warmUp = Stopwatch.StartNew();
        var warmUpOps = 0L;
        while (warmUp.Elapsed < TimeSpan.FromSeconds(2))
        {
            loop(50_000);
            warmUpOps += 50_000;
        }
        // Rounds of ~250 ms: the kernel accounts thread CPU time in scheduler ticks (4 ms here), so short rounds
        // would be quantised.
        var n = (int)Math.Clamp(warmUpOps / 8, 100_000, 50_000_000);
        var wall = new double[7];
        var cpu = new double[7];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var r = 0; r < wall.Length; r++)
        {
            var cpu0 = ThreadCpuNanoseconds();
            var clock = Stopwatch.StartNew();
            loop(n);
            wall[r] = clock.Elapsed.TotalNanoseconds / n;
            cpu[r] = (ThreadCpuNanoseconds() - cpu0) / (double)n;
        }
        var perOp = (GC.GetAllocatedBytesForCurrentThread() - allocated) / ((double)n * wall.Length);
        Array.Sort(wall);
        Array.Sort(cpu);
        var cpuText = cpu[0] > 0 ? string.Create(Inv, $", {cpu[cpu.Length / 2]:F1} ns/op thread CPU") : "";
        Console.WriteLine(string.Create(Inv, $"{name}: {wall[wall.Length / 2]:F1} ns/op wall{cpuText} (medians of {wall.Length} rounds), {perOp:F0} bytes allocated/op"));
    }

    /// <summary>CPU time consumed by the calling thread, 0 where /proc/thread-self/schedstat does not exist.</summary>
    private static long ThreadCpuNanoseconds()
    {
        const string path = "/proc/thread-self/schedstat";
        if (!File.Exists(path))
        {
            return 0;
        }
        var text = File.ReadAllText(path); // "<ns on CPU> <ns waiting> <time slices>"
        return long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
    }
}
