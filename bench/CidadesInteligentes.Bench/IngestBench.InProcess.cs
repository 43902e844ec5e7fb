using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using CidadesInteligentes.Testing;

/// <summary>The ingestor alone, in process, without MQTT (<c>bench -- ingestor</c>; also the last part of <c>ingest</c>).</summary>
internal static partial class IngestBench
{
    /// <summary>
    /// The ingestor alone, in this process, without MQTT: CPU per message for validation, and for the whole ingest path
    /// (validation, group commit to SQLite with roll-ups, fleet view). Each part first runs on a warm-up set so the
    /// JIT is done before measuring; the load comes from 2,048 concurrent submitters (like connections awaiting
    /// their PUBACK), so batches fill as they do under a flood.
    /// </summary>
    /// <remarks>
    /// <paramref name="devices"/> (default 8, as in the end-to-end bench) spreads the messages over that many luminaires:
    /// with thousands, nearly every message lands on its own device's last B-tree leaf, as it would for a real fleet.
    /// </remarks>
    /// <param name="shuffled">
    /// Devices report in a random order (the same every interval) instead of by number: a fleet's devices report at
    /// their own moments, so consecutive messages hit rows far apart in every per-device table.
    /// </param>
    /// <param name="foldRows">
    /// The roll-ups are folded whenever this many device-days wait (0: in every commit) instead of on the store's
    /// interval. In this bench each device sends a message every few milliseconds, so an interval's fold carries many of
    /// them per device-day; in the field a luminaire reports every 15 minutes and a fold carries one message per device,
    /// as many as report in the interval (a 100,000-luminaire fleet: about 6,700 in 60 s). With more devices than
    /// this, a fold here holds each device once, as in the field.
    /// </param>
    /// <param name="historyDays">
    /// Each measured store first gets this many earlier days of roll-ups per device (written outside the measurement), as a
    /// store that has run that long has: the roll-ups of one day are then spread over a table many times larger.
    /// </param>
    public static async Task InProcessAsync(int messages, int devices = Devices, bool shuffled = false, int? foldRows = null, int historyDays = 0)
    {
        // the cloud runs with server GC (the web SDK's default, cloud/CidadesInteligentes.Cloud's runtimeconfig); this
        // console program does not, so the measurement runs in a child of it started with the cloud's GC
        if (!System.Runtime.GCSettings.IsServerGC)
        {
            await InChildWithCloudGcAsync(messages, devices, shuffled, foldRows, historyDays);
            return;
        }
        Console.WriteLine($"ingestor alone: {messages:N0} messages from {devices:N0} devices{(shuffled ? " in random order" : "")}"
            + $"{(foldRows is 0 ? ", roll-ups folded in every commit" : foldRows is { } n ? $", roll-ups folded when {n:N0} device-days wait" : "")}"
            + $"{(historyDays > 0 ? $", on a store holding {historyDays:N0} earlier days of roll-ups per device" : "")} (server GC, as the cloud)");
        var (topics, payloads) = InProcessLoad(messages, devices, DateTimeOffset.UtcNow.AddDays(-1), shuffled);
        var now = DateTimeOffset.UtcNow;
        // tiered JIT: hot methods are recompiled optimised in the background only after a quiet spell, so warm up
        // for a few seconds of wall time (and pause) rather than a fixed count
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3))
        {
            for (var i = 0; i < Math.Min(messages, 20_000); i++)
            {
                CidadesInteligentes.Telemetry.Contract.TelemetryValidator.Validate(topics[i % devices], payloads[i], now);
            }
            Thread.Sleep(100);
        }
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < messages; i++)
        {
            CidadesInteligentes.Telemetry.Contract.TelemetryValidator.Validate(topics[i % devices], payloads[i], now);
        }
        var validateUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / messages;

        // warm-up on its own store, older timestamps: same code paths, nothing shared with the measured run
        var (warmTopics, warmPayloads) = InProcessLoad(Math.Min(messages, 50_000), devices, DateTimeOffset.UtcNow.AddDays(-3), shuffled);
        await IngestAllAsync(warmTopics, warmPayloads, foldRows, 0);
        await Task.Delay(500);
        await IngestAllAsync(warmTopics, warmPayloads, foldRows, 0);
        await Task.Delay(500);
        // three measured rounds, each on a fresh store: the commit loop runs only once per batch, so its methods reach
        // their final (optimised) tier late; later rounds show the steady state a long-running cloud has
        for (var round = 1; round <= 3; round++)
        {
            GC.Collect();
            await Task.Delay(500);
            var (cpuUs, rate, stored, batches, allocated, gen0, written) = await IngestAllAsync(topics, payloads, foldRows, historyDays);
            Console.WriteLine($"ingestor alone (in process, no MQTT, after warm-up), round {round}: validation {validateUs:N2} µs/msg; whole ingest path {cpuUs:N2} µs/msg CPU, "
                + $"{rate:N0} msg/s ({stored:N0} stored in {batches:N0} commits; {allocated:N0} B/msg allocated, {gen0} gen-0 GCs; {written:N0} B/msg written to files)");
        }
    }

    /// <summary>Runs <c>ingestor</c> in a child of this program with <c>DOTNET_gcServer=1</c>, its output passed through.</summary>
    private static async Task InChildWithCloudGcAsync(int messages, int devices, bool shuffled, int? foldRows, int historyDays)
    {
        // under the apphost ProcessPath is this program; under "dotnet x.dll" it is dotnet and needs the dll
        var host = Environment.ProcessPath!;
        var arguments = string.Create(CultureInfo.InvariantCulture, $"ingestor {messages} {devices}{(shuffled ? " shuffled" : "")}{(foldRows is 0 ? " fold-each-batch" : foldRows is { } n ? $" fold-rows={n}" : "")}{(historyDays > 0 ? $" history-days={historyDays}" : "")}");
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            arguments = $"\"{typeof(IngestBench).Assembly.Location}\" {arguments}";
        }
        var info = new ProcessStartInfo(host, arguments) { UseShellExecute = false };
        info.Environment["DOTNET_gcServer"] = "1";
        using var child = Process.Start(info)!;
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"the in-process ingestor bench (child, server GC) exited with {child.ExitCode}");
        }
    }

    /// <summary>Bytes this process has passed to write calls so far (<c>wchar</c> in /proc/self/io): the store's WAL and checkpoints.</summary>
    private static long WrittenBytes() =>
        long.Parse(File.ReadLines("/proc/self/io").First(l => l.StartsWith("wchar:", StringComparison.Ordinal))[6..].Trim(), CultureInfo.InvariantCulture);

    private static (string[] Topics, byte[][] Payloads) InProcessLoad(int messages, int devices, DateTimeOffset ts0, bool shuffled) =>
        // message n comes from the device at n % devices, so a random permutation of the topics is a random device
        // order within every interval, each device's seqs still in order
        (Enumerable.Range(1, devices).Select(d => $"ci/v1/3548906/luminaire/sc-lum-{d:D6}/telemetry")
            .OrderBy(t => shuffled ? new Random(t.GetHashCode(StringComparison.Ordinal) ^ 20261207).Next() : 0).ToArray(),
         Enumerable.Range(1, messages).Select(n => LuminairePayload((n + devices - 1) / devices, ts0.AddSeconds(n / devices), n)).ToArray());

    private static async Task<(double CpuUs, double Rate, long Stored, long Batches, long AllocatedPerMessage, int Gen0, long WrittenPerMessage)> IngestAllAsync(
        string[] topics, byte[][] payloads, int? foldRows, int historyDays)
    {
        var dir = ServerProcess.CreateTempDirectory("bench-ingestor");
        try
        {
            if (historyDays > 0)
            {
                WriteHistory(dir, topics, historyDays);
            }
            return await IngestAllAsync(dir, topics, payloads, foldRows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Writes <paramref name="days"/> days of roll-ups per device of <paramref name="topics"/>, the days before the day before yesterday
    /// (the measured messages are dated a day ago, and local dates run up to 3 hours behind UTC), as a luminaire reporting every 15 minutes leaves them.
    /// </summary>
    private static void WriteHistory(string dir, string[] topics, int days)
    {
        CidadesInteligentes.Cloud.Storage.SqliteStore.Open(dir).Dispose(); // the schema
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dir, "cidades.db")};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s,
                backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq, last_id)
            VALUES ($device, $date, '3548906', 'luminaire', 96, $first, $first + 85500000, $energy, $energy + 1500, $burn, $burn + 43200, 0, 0, NULL, NULL, $seq, $seq + 95, NULL)
            """;
        var device = insert.Parameters.Add("$device", SqliteType.Text);
        var date = insert.Parameters.Add("$date", SqliteType.Text);
        var first = insert.Parameters.Add("$first", SqliteType.Integer);
        var energy = insert.Parameters.Add("$energy", SqliteType.Real);
        var burn = insert.Parameters.Add("$burn", SqliteType.Integer);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var topic in topics)
        {
            device.Value = topic.Split('/')[4];
            for (var day = days; day >= 1; day--)
            {
                var d = today.AddDays(-2 - day);
                date.Value = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                first.Value = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
                energy.Value = (days - day) * 1500.0;
                burn.Value = (days - day) * 43_200L;
                seq.Value = (days - day) * 96L;
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    private static async Task<(double CpuUs, double Rate, long Stored, long Batches, long AllocatedPerMessage, int Gen0, long WrittenPerMessage)> IngestAllAsync(
        string dir, string[] topics, byte[][] payloads, int? foldRows)
    {
        var written0 = WrittenBytes();
        using var store = CidadesInteligentes.Cloud.Storage.SqliteStore.Open(dir);
        if (foldRows is 0)
        {
            store.RollupFoldInterval = TimeSpan.Zero;
        }
        else if (foldRows is { } rows)
        {
            store.RollupFoldInterval = TimeSpan.FromDays(1);
            store.RollupPendingLimit = rows;
        }
        var ingestor = new CidadesInteligentes.Cloud.Ingest.Ingestor(store, new CidadesInteligentes.Cloud.Fleet.FleetState(TimeSpan.FromMinutes(5)), new CidadesInteligentes.Cloud.Live.LiveHub(),
            new CidadesInteligentes.Cloud.Ingest.IngestCounters(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromDays(35), checkIdentity: false);
        var next = -1;
        var gen0 = GC.CollectionCount(0);
        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.WhenAll(Enumerable.Range(0, 2048).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < payloads.Length)
            {
                await ingestor.IngestAsync(null, null, topics[n % topics.Length], payloads[n], CancellationToken.None);
            }
        })));
        // the roll-ups still in memory are written inside the measurement: every message's cost is counted (in the cloud
        // a fold runs every Storage RollupFoldInterval, or when something reads the roll-ups)
        store.FoldRollups();
        var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / payloads.Length;
        var rate = payloads.Length / sw.Elapsed.TotalSeconds;
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / payloads.Length;
        gen0 = GC.CollectionCount(0) - gen0;
        var written = (WrittenBytes() - written0) / payloads.Length;
        await ingestor.DisposeAsync();
        return (cpuUs, rate, ingestor.Counters.Stored, ingestor.Batches, allocated, gen0, written);
    }
}
