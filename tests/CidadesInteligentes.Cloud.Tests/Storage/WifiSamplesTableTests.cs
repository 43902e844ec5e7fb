using System.Globalization;
using System.Text;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>
/// Wi-Fi compliance reads its samples from <c>wifi_samples</c> (schema migration 9), written beside each stored hotspot
/// telemetry row. These tests hold that table equal to the stored payloads read with the contract's serializer, which
/// is what compliance and the report's digest were computed from before: the same samples, bit for bit, each once,
/// each with its telemetry row's id.
/// </summary>
public sealed class WifiSamplesTableTests : IDisposable
{
    private const string City = "3548906";
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);
    private readonly string _dir = ServerProcess.CreateTempDirectory("wifi-samples");

    private static string Num(double? v) => v is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : "null";

    /// <summary>A hotspot payload with optional fields left out or null at random, and awkward doubles (−0, long fractions, tiny, huge).</summary>
    private static byte[] Payload(Random rng, long seq, DateTimeOffset ts)
    {
        double? Pick() => rng.Next(8) switch
        {
            0 => null,
            1 => -0.0,
            2 => rng.NextDouble() * 1e-300,
            3 => Math.Round(rng.NextDouble() * 100, rng.Next(0, 4)),
            4 => 0.1 + 0.2,
            _ => rng.NextDouble() * 1000,
        };
        var fields = new List<string>
        {
            "\"v\":1", $"\"seq\":{seq}", $"\"ts\":\"{ts.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\"", "\"uptimeS\":5",
            $"\"backhaulUp\":{(rng.Next(4) == 0 ? "false" : "true")}", $"\"portalOk\":{(rng.Next(5) == 0 ? "false" : "true")}",
            $"\"clients\":{rng.Next(0, 300)}", $"\"uniqueClientsToday\":{rng.Next(0, 3000)}", "\"rxBytes\":1", "\"txBytes\":2",
        };
        foreach (var name in new[] { "latencyMs", "lossPercent", "downMbps", "upMbps" })
        {
            if (rng.Next(6) != 0)
            {
                fields.Add($"\"{name}\":{Num(Pick())}");
            }
        }
        return Encoding.UTF8.GetBytes("{" + string.Join(",", fields.OrderBy(_ => rng.Next())) + "}");
    }

    /// <summary>As a hand-made item (the store reads the JSON) or as the ingestor makes it (with the payload it validated).</summary>
    private static IngestItem Hotspot(string device, long seq, DateTimeOffset ts, byte[] payload, bool withSample, string city = City)
    {
        var item = new IngestItem(IngestItemKind.Message, device, "telemetry", seq, city, "hotspot", ts, ts, payload, LocalDate: Ingestor.LocalDate(ts));
        if (!withSample)
        {
            return item;
        }
        return item with { Hotspot = System.Text.Json.JsonSerializer.Deserialize(payload, CidadesInteligentes.Telemetry.Contract.TelemetryJson.Default.HotspotTelemetry)! };
    }

    private static IngestItem Lum(string device, long seq, DateTimeOffset ts) =>
        new(IngestItemKind.Message, device, "telemetry", seq, City, "luminaire", ts, ts, Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}"),
            EnergyWh: seq, BurnSeconds: seq, LocalDate: Ingestor.LocalDate(ts));

    /// <summary>Each sample with its doubles as bits (−0.0 and 0.0 differ, as in the digest).</summary>
    private static List<string> Bits(Dictionary<string, List<WifiSample>> byDevice) =>
        [.. byDevice.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value.Select(s =>
            string.Join('|', p.Key, s.Seq, s.Ts.UtcTicks, s.BackhaulUp, s.PortalOk, Bits(s.LatencyMs), Bits(s.LossPercent), Bits(s.DownMbps), Bits(s.UpMbps), s.Clients, s.UniqueClientsToday)))];

    private static string Bits(double? v) => v is { } d ? BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture) : "-";

    [Fact]
    public async Task Stored_hotspot_messages_read_back_from_the_table_exactly_as_from_their_payloads_each_once_with_their_telemetry_id()
    {
        using var store = SqliteStore.Open(_dir);
        var rng = new Random(20261207);
        var seqs = new Dictionary<string, long>();
        var sent = 0;
        // 12 batches of 150 items: 4 hotspots of this city and 1 of another, among luminaires (so hotspot rows sit between
        // luminaire rows, across multi-row chunks), half as the ingestor makes them and half by hand, each batch shuffled
        for (var batch = 0; batch < 12; batch++)
        {
            var items = new List<IngestItem>();
            for (var k = 0; k < 150; k++)
            {
                var ts = T0.AddMinutes((batch * 150) + k).AddMilliseconds(rng.Next(0, 1000));
                if (rng.Next(3) == 0)
                {
                    var device = rng.Next(5) == 4 ? "other-wifi" : $"wifi-{rng.Next(4)}";
                    var seq = seqs[device] = seqs.GetValueOrDefault(device) + 1;
                    items.Add(Hotspot(device, seq, ts, Payload(rng, seq, ts), withSample: rng.Next(2) == 0, city: device == "other-wifi" ? "3550308" : City));
                    sent++;
                }
                else
                {
                    items.Add(Lum($"lum-{k % 40}", (batch * 150) + k + 1, ts));
                }
            }
            // out of order inside the batch (seqs of a device arrive as they come), then a replay of its first hotspot
            // message: a duplicate, not a second sample
            items = [.. items.OrderBy(_ => rng.Next())];
            if (items.FirstOrDefault(i => i.DeviceKind == "hotspot") is { } first)
            {
                items.Add(first);
            }
            var results = await store.StoreBatchAsync(items, default);
            Assert.Equal(StoreOutcome.Duplicate, results[^1]);
        }

        var fromTable = store.WifiSamples(City, T0.AddDays(-1), T0.AddDays(3));
        var fromPayloads = store.WifiSamplesFromPayloads(City, T0.AddDays(-1), T0.AddDays(3));
        Assert.Equal(4, fromTable.Count);
        Assert.Equal(Bits(fromPayloads), Bits(fromTable));
        Assert.Equal(Bits(store.WifiSamplesFromPayloads("3550308", T0.AddDays(-1), T0.AddDays(3))), Bits(store.WifiSamples("3550308", T0.AddDays(-1), T0.AddDays(3))));
        Assert.Equal(sent, store.Query("SELECT count(*) FROM wifi_samples", r => r.GetInt32(0))[0]);
        // −0.0 came through as −0.0 (a REAL column would have stored the integer 0)
        Assert.Contains(fromTable.Values.SelectMany(l => l), s => s.LatencyMs is { } l && l == 0 && double.IsNegative(l));

        // each sample carries the id of its own telemetry row
        Assert.Equal(0, store.Query("""
            SELECT count(*) FROM wifi_samples w LEFT JOIN telemetry t ON t.id = w.id
            WHERE t.id IS NULL OR t.device <> w.device OR t.seq <> w.seq OR t.ts <> w.ts OR t.city <> w.city OR t.kind <> 'hotspot'
            """, r => r.GetInt32(0))[0]);

        // only the rows up to an id (what a reader kept up to date has seen), and a time window
        var maxId = store.Query("SELECT id FROM telemetry WHERE kind = 'hotspot' AND city = $c ORDER BY id LIMIT 1 OFFSET 30", r => r.GetInt64(0), ("$c", City))[0];
        Assert.Equal(Bits(store.WifiSamplesFromPayloads(City, T0, T0.AddHours(20), maxId)), Bits(store.WifiSamples(City, T0, T0.AddHours(20), maxId)));
        Assert.Equal(31, store.WifiSamples(City, T0.AddDays(-1), T0.AddDays(3), maxId).Values.Sum(l => l.Count));
        Assert.Empty(store.WifiSamples(City, T0.AddDays(5), T0.AddDays(6)));
    }

    [Fact]
    public async Task A_store_from_before_migration_9_gets_its_hotspot_telemetry_back_filled_and_keeps_writing_samples()
    {
        var path = Path.Combine(_dir, "cidades.db");
        var rng = new Random(9);
        var rows = new List<string>();
        for (var seq = 1; seq <= 200; seq++)
        {
            var ts = T0.AddMinutes(seq);
            var json = Encoding.UTF8.GetString(Payload(rng, seq, ts)).Replace("'", "''", StringComparison.Ordinal);
            rows.Add($"('wifi-{seq % 3}', {seq}, '{City}', 'hotspot', {ts.ToUnixTimeMilliseconds()}, {ts.ToUnixTimeMilliseconds()}, '{json}', NULL, NULL)");
            rows.Add($"('lum-1', {seq}, '{City}', 'luminaire', {ts.ToUnixTimeMilliseconds()}, {ts.ToUnixTimeMilliseconds()}, '{{}}', {seq}, 0)");
        }
        // a stored row whose JSON is not hotspot telemetry (hand-edited): no sample, as the payload read skips it
        rows.Add($"('wifi-9', 1, '{City}', 'hotspot', {T0.ToUnixTimeMilliseconds()}, {T0.ToUnixTimeMilliseconds()}, '[1,2]', NULL, NULL)");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = string.Join("\n", Schema.Migrations[..Schema.WifiSamplesMigration]) + $"""

                PRAGMA user_version = {Schema.WifiSamplesMigration};
                INSERT INTO telemetry (device, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES {string.Join(",\n", rows)};
                """;
            cmd.ExecuteNonQuery();
        }

        // read and written 7 hotspot rows at a time: 29 chunks, the last one short
        SqliteStore.WifiBackfillChunk = 7;
        SqliteStore store;
        try
        {
            store = SqliteStore.Open(_dir);
        }
        finally
        {
            SqliteStore.WifiBackfillChunk = 20_000;
        }
        using var _ = store;
        Assert.Equal(Schema.Migrations.Length, store.SchemaVersion);
        Assert.Equal(200, store.Query("SELECT count(*) FROM wifi_samples", r => r.GetInt32(0))[0]);
        var all = store.WifiSamples(City, T0.AddDays(-1), T0.AddDays(1));
        Assert.Equal(["wifi-0", "wifi-1", "wifi-2"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Bits(store.WifiSamplesFromPayloads(City, T0.AddDays(-1), T0.AddDays(1))), Bits(all));
        Assert.Equal(0, store.Query("SELECT count(*) FROM wifi_samples w JOIN telemetry t ON t.id = w.id WHERE t.device <> w.device OR t.seq <> w.seq",
            r => r.GetInt32(0))[0]);

        // after the migration, a stored message adds its sample
        var ts1 = T0.AddHours(5);
        await store.StoreBatchAsync([Hotspot("wifi-0", 1000, ts1, Payload(rng, 1000, ts1), withSample: true)], default);
        Assert.Equal(Bits(store.WifiSamplesFromPayloads(City, T0.AddDays(-1), T0.AddDays(1))), Bits(store.WifiSamples(City, T0.AddDays(-1), T0.AddDays(1))));
        Assert.Equal(201, store.Query("SELECT count(*) FROM wifi_samples", r => r.GetInt32(0))[0]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
