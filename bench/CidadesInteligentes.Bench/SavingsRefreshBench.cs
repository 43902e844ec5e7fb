using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CidadesInteligentes.Cloud;
using CidadesInteligentes.Cloud.Engines;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;

/// <summary>
/// What a dashboard's refresh of the month so far costs while luminaires report (<c>bench -- savings-refresh</c>):
/// three cities of <c>luminaires</c> each with 15-minute registers from the 1st to the 20th (written through the ingest
/// path), then rounds of one more reading per luminaire, each followed by the savings of every city, as the state
/// overview asks for them. Measured in the same run: the engine keeping each month up to date (now) and an engine that
/// reads the months whole on every refresh (what each refresh cost before), with their ratio.
/// </summary>
internal static class SavingsRefreshBench
{
    public static async Task RunAsync(int luminaires)
    {
        var dir = ServerProcess.CreateTempDirectory("bench-savings-refresh");
        try
        {
            (string Ibge, string Prefix)[] cities = [("3548906", "sc"), ("3550308", "sp"), ("3509502", "cp")];
            var registryFile = Path.Combine(dir, "registry.json");
            // one luminaire more per city than report at first: it is installed at the end (a roll-out)
            await File.WriteAllTextAsync(registryFile, Registry(cities, luminaires + 1));
            var errors = new List<string>();
            var registry = RegistryService.Load(registryFile, errors);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException(string.Join("; ", errors));
            }
            using var store = SqliteStore.Open(Path.Combine(dir, "data"));
            registry.Start(store, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, DateTimeOffset.UtcNow);
            var start = new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.Zero);
            const int Steps = 19 * 96;
            var sw = Stopwatch.StartNew();
            for (var step = 0; step < Steps; step++)
            {
                await WriteRoundAsync(store, cities, luminaires, start, step);
            }
            Console.WriteLine($"savings refresh: {Steps * luminaires * cities.Length:N0} rows written ({cities.Length} cities × {luminaires:N0} luminaires × 19 days at 15 min) in {sw.Elapsed.TotalSeconds:N1} s");

            var clock = new ManualTimeProvider(start.AddDays(19).AddHours(12));
            var ingestor = new CidadesInteligentes.Cloud.Ingest.Ingestor(store, new CidadesInteligentes.Cloud.Fleet.FleetState(TimeSpan.FromMinutes(5)), new CidadesInteligentes.Cloud.Live.LiveHub(),
                new CidadesInteligentes.Cloud.Ingest.IngestCounters(), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromDays(35), checkIdentity: false);
            var kept = new MonthlyEngine(store, registry, ingestor, clock);
            // an engine that reads every month whole (nothing kept in memory or read back from disk): what a refresh cost before
            MonthlyEngine Whole()
            {
                var engine = new MonthlyEngine(store, registry, ingestor, clock);
                engine.SavingsStreams.Persist = false;
                return engine;
            }
            var first = Measure(() => Overview(kept, registry, cities));
            Console.WriteLine($"first overview (each month read whole): {first.Wall:N0} ms wall, {first.Cpu:N0} ms CPU");
            // the rounds below move the clock 15 minutes each: without this every refresh would also keep its month on disk,
            // which the cloud does every 5 minutes of real time (measured on its own before the restart below)
            var saveEvery = kept.SavingsStreams.SaveEvery;
            kept.SavingsStreams.SaveEvery = TimeSpan.FromDays(365);

            var step2 = Steps;
            await RoundsAsync(12, kept, kept.SavingsStreams, Whole, e => Overview(e, registry, cities), async () =>
            {
                await WriteRoundAsync(store, cities, luminaires, start, step2++);
                clock.Advance(TimeSpan.FromMinutes(15));
            }, $"savings refresh after one more reading per luminaire ({cities.Length * luminaires:N0} readings)", "readings");
            var reads = kept.SavingsStreams.WholeReads;
            await RoundsAsync(1, kept, kept.SavingsStreams, Whole, e => Overview(e, registry, cities), async () =>
            {
                await WriteRoundAsync(store, cities, luminaires + 1, start, step2++, firstFrom: luminaires + 1);
                clock.Advance(TimeSpan.FromMinutes(15));
            }, $"savings refresh when one new luminaire per city reports for the first time (and the {cities.Length * luminaires:N0} others once more)", "readings");
            Console.WriteLine($"roll-out: {kept.SavingsStreams.WholeReads - reads} whole reads, {kept.SavingsStreams.LuminaireReads} luminaires read on their own");

            // a restart: a new engine finds each city-month on disk (kept there by the first engine, as of some row) and
            // adds the rows committed since, instead of reading the month whole
            kept.SavingsStreams.SaveEvery = saveEvery;
            clock.Advance(TimeSpan.FromMinutes(2)); // past the answers' cache
            var saves = kept.SavingsStreams.Saves;
            var saving = Measure(() => Overview(kept, registry, cities)); // keeps the months on disk as of now
            await kept.SavingsStreams.LastSave;
            Console.WriteLine($"refresh that also keeps the {kept.SavingsStreams.Saves - saves} months on disk (every {saveEvery.TotalMinutes:N0} min): {saving.Wall:N1} ms wall / {saving.Cpu:N1} ms CPU (the write itself after the lock)");
            await WriteRoundAsync(store, cities, luminaires + 1, start, step2++);
            clock.Advance(TimeSpan.FromMinutes(15));
            var restarted = new MonthlyEngine(store, registry, ingestor, clock);
            string restartedText = "", wholeText = "";
            var back = Measure(() => restartedText = Overview(restarted, registry, cities));
            var whole = Measure(() => wholeText = Overview(Whole(), registry, cities));
            if (restartedText != wholeText || restarted.SavingsStreams.Loads != cities.Length || restarted.SavingsStreams.WholeReads != cities.Length)
            {
                throw new InvalidOperationException($"after a restart: {restarted.SavingsStreams.Loads} months read back, and they differ from a whole read: {restartedText != wholeText}");
            }
            Console.WriteLine($"after a restart (months read back from disk and the rows since added): {back.Wall:N0} ms wall / {back.Cpu:N0} ms CPU; "
                + $"read whole {whole.Wall:N0} ms wall / {whole.Cpu:N0} ms CPU; ratio CPU {back.Cpu / whole.Cpu:N4}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The Wi-Fi side of the same refresh (<c>bench -- wifi-refresh</c>): three cities' 5 points reporting every minute
    /// from the 1st to the 19th, then the compliance of every city as a refresh computes it (the month read whole).
    /// With <paramref name="luminaireRowsPerMinute"/>, each city's luminaires store that many rows a minute between the
    /// hotspot rows, as in the field, where a city's few hotspot rows are scattered among every luminaire's.
    /// </summary>
    public static async Task WifiAsync(int luminaireRowsPerMinute = 0)
    {
        var dir = ServerProcess.CreateTempDirectory("bench-wifi-refresh");
        try
        {
            (string Ibge, string Prefix)[] cities = [("3548906", "sc"), ("3550308", "sp"), ("3509502", "cp")];
            var registryFile = Path.Combine(dir, "registry.json");
            await File.WriteAllTextAsync(registryFile, Registry(cities, 10));
            var errors = new List<string>();
            var registry = RegistryService.Load(registryFile, errors);
            using var store = SqliteStore.Open(Path.Combine(dir, "data"));
            registry.Start(store, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, DateTimeOffset.UtcNow);
            var start = new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.Zero);
            const int Minutes = 19 * 1440;
            var batch = new List<IngestItem>();
            for (var minute = 0; minute < Minutes; minute++)
            {
                batch.AddRange(HotspotMinute(cities, start, minute));
                for (var k = 0; k < luminaireRowsPerMinute; k++)
                {
                    var ts = start.AddMinutes(minute).AddMilliseconds(k);
                    foreach (var (ibge, prefix) in cities)
                    {
                        batch.Add(new IngestItem(IngestItemKind.Message, $"{prefix}-lum-{k:D4}", "telemetry", minute + 1, ibge, "luminaire", ts, ts,
                            Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{minute + 1}},"ts":"{{ts.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","energyWh":{{minute * 2}},"burnSeconds":{{minute * 60}},"powerW":80.5,"voltageV":221.3,"currentA":0.36,"powerFactor":0.98,"dimPercent":100,"lampOn":true,"uptimeS":{{minute * 60}}}"""),
                            EnergyWh: minute * 2, BurnSeconds: minute * 60L, LocalDate: ts.ToOffset(TimeSpan.FromHours(-3)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
                    }
                }
                if (batch.Count >= 3_000)
                {
                    await store.StoreBatchAsync(batch, CancellationToken.None);
                    batch.Clear();
                }
            }
            await store.StoreBatchAsync(batch, CancellationToken.None);
            Console.WriteLine($"wifi refresh: {Minutes * 5 * cities.Length:N0} hotspot samples written ({cities.Length} cities × 5 points × 19 days at 1 min)"
                + (luminaireRowsPerMinute == 0 ? "" : $", among {(long)Minutes * luminaireRowsPerMinute * cities.Length:N0} luminaire rows ({luminaireRowsPerMinute} a minute per city)"));
            // the store's whole read of a city-month: from wifi_samples (what compliance reads) against the payloads
            // through the city index (what it read before schema migration 9), same samples, alternated, median of 5
            var table = new List<(double Wall, double Cpu)>();
            var payloads = new List<(double Wall, double Cpu)>();
            for (var pass = 0; pass < 5; pass++)
            {
                foreach (var (ibge, _) in cities)
                {
                    Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Wifi.WifiSample>>? a = null, b = null;
                    table.Add(Measure(() => a = store.WifiSamples(ibge, start, start.AddMonths(1))));
                    payloads.Add(Measure(() => b = store.WifiSamplesFromPayloads(ibge, start, start.AddMonths(1))));
                    if (a!.Count != b!.Count || a.Any(p => !p.Value.SequenceEqual(b[p.Key])))
                    {
                        throw new InvalidOperationException($"{ibge}: wifi_samples and the payloads differ");
                    }
                }
            }
            var (tw, tc) = Median(table);
            var (pw, pc) = Median(payloads);
            Console.WriteLine($"a city-month's samples read whole (5 points × 19 days), median of {table.Count}: wifi_samples {tw:N1} ms wall / {tc:N1} ms CPU; "
                + $"payloads through the city index {pw:N1} ms wall / {pc:N1} ms CPU; ratio table/payloads CPU {tc / pc:N3}");
            var clock = new ManualTimeProvider(start.AddMinutes(Minutes));
            var ingestor = new CidadesInteligentes.Cloud.Ingest.Ingestor(store, new CidadesInteligentes.Cloud.Fleet.FleetState(TimeSpan.FromMinutes(5)), new CidadesInteligentes.Cloud.Live.LiveHub(),
                new CidadesInteligentes.Cloud.Ingest.IngestCounters(), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromDays(35), checkIdentity: false);
            var kept = new MonthlyEngine(store, registry, ingestor, clock);
            string WifiOverview(MonthlyEngine engine) => string.Join('\n', cities.Select(c => JsonSerializer.Serialize(engine.Wifi(registry.City(c.Ibge)!, "2026-11"))));
            var first = Measure(() => WifiOverview(kept));
            Console.WriteLine($"first Wi-Fi overview (each month read whole): {first.Wall:N0} ms wall, {first.Cpu:N0} ms CPU");
            var round = 0;
            await RoundsAsync(8, kept, kept.WifiStreams, () => new MonthlyEngine(store, registry, ingestor, clock), WifiOverview, async () =>
            {
                await store.StoreBatchAsync([.. HotspotMinute(cities, start, Minutes + round++)], CancellationToken.None);
                clock.Advance(TimeSpan.FromMinutes(1));
            }, "Wi-Fi refresh after one more sample per point", "samples");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Rounds of new data, each followed by the overview from <paramref name="kept"/> and from a new engine (a whole read,
    /// what every refresh cost before), which must give the same text; prints both medians and their ratio.
    /// </summary>
    private static async Task RoundsAsync<TData, TRow>(int rounds, MonthlyEngine kept, CityMonthStreams<TData, TRow> streams, Func<MonthlyEngine> whole,
        Func<MonthlyEngine, string> overview, Func<Task> newData, string what, string rows)
        where TData : class
    {
        var keptTimes = new List<(double Wall, double Cpu)>();
        var wholeTimes = new List<(double Wall, double Cpu)>();
        for (var round = 0; round < rounds; round++)
        {
            await newData();
            string keptText = "", wholeText = "";
            keptTimes.Add(Measure(() => keptText = overview(kept)));
            var fresh = whole();
            wholeTimes.Add(Measure(() => wholeText = overview(fresh)));
            if (keptText != wholeText)
            {
                throw new InvalidOperationException($"round {round}: the months kept up to date differ from a whole read");
            }
        }
        Console.WriteLine($"kept up to date: {streams.WholeReads} whole reads, {streams.RowsAdded:N0} {rows} added, {streams.Invalidations} invalidations");
        var k = Median(keptTimes);
        var w = Median(wholeTimes);
        Console.WriteLine($"{what}, median of {rounds}: kept up to date {k.Wall:N1} ms wall / {k.Cpu:N1} ms CPU; "
            + $"read whole {w.Wall:N0} ms wall / {w.Cpu:N0} ms CPU; ratio kept/whole CPU {k.Cpu / w.Cpu:N4}");
    }

    private static IEnumerable<IngestItem> HotspotMinute((string Ibge, string Prefix)[] cities, DateTimeOffset start, int minute)
    {
        var ts = start.AddMinutes(minute);
        var local = ts.ToOffset(TimeSpan.FromHours(-3)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (ibge, prefix) in cities)
        {
            for (var p = 1; p <= 5; p++)
            {
                var json = $$"""{"v":1,"seq":{{minute + 1}},"ts":"{{ts.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}","uptimeS":{{minute * 60}},"backhaulUp":{{(minute % 97 == 0 ? "false" : "true")}},"latencyMs":{{20 + minute % 30}},"lossPercent":0,"portalOk":true,"clients":{{minute % 40}},"uniqueClientsToday":{{minute % 1440 / 10}},"rxBytes":{{minute * 100000L}},"txBytes":{{minute * 50000L}}{{(minute % 60 == 0 ? ",\"downMbps\":42.5,\"upMbps\":12.5" : "")}}}""";
                yield return new IngestItem(IngestItemKind.Message, $"{prefix}-wifi-0{p}", "telemetry", minute + 1, ibge, "hotspot", ts, ts, Encoding.UTF8.GetBytes(json),
                    LocalDate: local, BackhaulUp: true, PortalOk: true, Clients: minute % 40, UniqueClients: minute % 1440 / 10);
            }
        }
    }

    private static string Overview(MonthlyEngine engine, RegistryService registry, (string Ibge, string Prefix)[] cities) =>
        string.Join('\n', cities.Select(c => JsonSerializer.Serialize(engine.Savings(registry.City(c.Ibge)!, "2026-11"))));

    private static (double Wall, double Cpu) Median(List<(double Wall, double Cpu)> times) =>
        (times.Select(t => t.Wall).Order().ElementAt(times.Count / 2), times.Select(t => t.Cpu).Order().ElementAt(times.Count / 2));

    private static (double Wall, double Cpu) Measure(Action action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        action();
        return (sw.Elapsed.TotalMilliseconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
    }

    /// <param name="firstFrom">Luminaires from this number on report for the first time in this round (seq 1).</param>
    private static async Task WriteRoundAsync(SqliteStore store, (string Ibge, string Prefix)[] cities, int luminaires, DateTimeOffset start, int step, int firstFrom = int.MaxValue)
    {
        var ts = start.AddMinutes(15 * step);
        var local = ts.ToOffset(TimeSpan.FromHours(-3));
        var on = local.Hour is >= 18 or < 6;
        var batch = new List<IngestItem>(luminaires * cities.Length);
        foreach (var (ibge, prefix) in cities)
        {
            for (var l = 1; l <= luminaires; l++)
            {
                // about 55 W at night: 13.75 Wh per 15 minutes, nothing by day
                var installed = l >= firstFrom;
                var energy = installed ? 0 : step * 6.875 + l;
                var seq = installed ? 1 : step + 1;
                batch.Add(new IngestItem(IngestItemKind.Message, $"{prefix}-lum-{l:D6}", "telemetry", seq, ibge, "luminaire", ts, ts,
                    Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}}}"""), EnergyWh: energy, BurnSeconds: installed ? 0 : step * 450L + (on ? 450 : 0),
                    LocalDate: local.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        await store.StoreBatchAsync(batch, CancellationToken.None);
    }

    private static string Registry((string Ibge, string Prefix)[] cities, int luminaires) =>
        "{\"version\":1,\"exampleValues\":true,\"cities\":[" + string.Join(",", cities.Select(c => $$"""
            {"ibge":"{{c.Ibge}}","name":"bench {{c.Prefix}}","latitude":-22.5,"longitude":-47.5,"tariffBrlPerKwh":0.75,"billing":"estimated","aneelHoursPerDay":11.45,"annualRevenueBrl":120000000,
             "annualCipRevenueBrl":3000000,"financingBrl":1000000,"emissionFactorTPerMwh":0.0385,"requiredWifiPoints":5,
             "devicePrefix":"{{c.Prefix}}","fleet":{"luminaires":{{luminaires}},"wifiPoints":5,"legacyTechnology":"HPS 150 W","baselineW":170,"ledW":80,"circuits":1},
             "luminaires":[],"wifiPoints":[],"adjustments":[]}
            """)) + "]}";
}
