using System.Diagnostics;
using System.Text;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;

/// <summary>
/// The read a monthly report makes: one city's luminaire energy registers for a month (200 luminaires × 30 days at
/// 15-minute intervals, 576,000 rows) out of a store that also holds two other cities' month (1.73 million rows in
/// all, written through the ingest path in arrival order). Prints the best and median of 7 reads after one warm-up.
/// </summary>
internal static class StoreReadBench
{
    public static async Task RunAsync()
    {
        var dir = ServerProcess.CreateTempDirectory("bench-store-read");
        try
        {
            using var store = SqliteStore.Open(dir);
            var month = new DateTimeOffset(2026, 10, 1, 3, 0, 0, TimeSpan.Zero);
            string[] cities = ["3548906", "3550308", "3509502"];
            const int Luminaires = 200, Steps = 30 * 96;
            var sw = Stopwatch.StartNew();
            var batch = new List<IngestItem>(Luminaires * cities.Length);
            for (var step = 0; step < Steps; step++)
            {
                batch.Clear();
                var ts = month.AddMinutes(15 * step);
                foreach (var city in cities)
                {
                    for (var l = 0; l < Luminaires; l++)
                    {
                        var device = $"sc-lum-{city[^3..]}{l:D3}";
                        batch.Add(new IngestItem(IngestItemKind.Message, device, "telemetry", step + 1, city, "luminaire", ts, ts,
                            Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{step + 1}},"energyWh":{{step * 12.5:F1}}}"""),
                            EnergyWh: step * 12.5, BurnSeconds: step * 900L, LocalDate: ts.ToOffset(TimeSpan.FromHours(-3)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
                    }
                }
                await store.StoreBatchAsync(batch, CancellationToken.None);
            }
            Console.WriteLine($"store read: {Steps * Luminaires * cities.Length:N0} rows written in {sw.Elapsed.TotalSeconds:N1} s");
            var times = new List<double>();
            var rows = 0;
            for (var i = 0; i < 8; i++)
            {
                sw.Restart();
                var readings = store.EnergyReadings(cities[0], month, month.AddDays(30));
                var ms = sw.Elapsed.TotalMilliseconds;
                rows = readings.Values.Sum(l => l.Count);
                if (readings.Count != Luminaires || readings.Values.Any(l => !l.Select(r => r.Seq).SequenceEqual(Enumerable.Range(1, Steps).Select(s => (long)s))))
                {
                    throw new InvalidOperationException("the read did not return every luminaire's registers in seq order");
                }
                if (i > 0)
                {
                    times.Add(ms);
                }
            }
            times.Sort();
            Console.WriteLine($"city-month energy read ({rows:N0} rows, {Luminaires} luminaires): best {times[0]:N0} ms, median {times[times.Count / 2]:N0} ms");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
