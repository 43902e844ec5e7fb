using System.Text;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>
/// Telemetry rows are stored in arrival order and a city's telemetry is read through the (city, kind, ts) index
/// (schema migration 7; before it, through the daily roll-ups' seq ranges, migration 5). These tests check that every
/// message comes back exactly once, in seq order, for new stores and for stores created before those migrations.
/// </summary>
public sealed class CityTelemetryTests : IDisposable
{
    private readonly string _dir = ServerProcess.CreateTempDirectory("city-telemetry");

    // 2026-11-02 03:00Z is local midnight in São Paulo (UTC−3)
    private static readonly DateTimeOffset Midnight = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);

    private static IngestItem Lum(string device, long seq, DateTimeOffset ts, double wh, string city = "3548906") =>
        new(IngestItemKind.Message, device, "telemetry", seq, city, "luminaire", ts, ts, Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}"),
            EnergyWh: wh, BurnSeconds: seq * 60, LocalDate: Ingestor.LocalDate(ts));

    private static IngestItem Wifi(string device, long seq, DateTimeOffset ts) =>
        new(IngestItemKind.Message, device, "telemetry", seq, "3548906", "hotspot", ts, ts,
            Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}},"ts":"2026-11-02T03:00:00Z","uptimeS":1,"backhaulUp":true,"portalOk":true,"clients":{{seq}},"uniqueClientsToday":1,"rxBytes":0,"txBytes":0}"""),
            LocalDate: Ingestor.LocalDate(ts), BackhaulUp: true, PortalOk: true, Clients: (int)seq, UniqueClients: 1);

    [Fact]
    public async Task A_city_period_returns_each_reading_once_in_seq_order_across_days_batches_and_a_clock_step_back()
    {
        using var store = SqliteStore.Open(_dir);
        // device a: seqs 1–3 on Nov 1 (local), 4–6 on Nov 2, in two batches; seq 7 carries a ts back on Nov 1 (clock stepped
        // back), so Nov 1's range becomes 1–7 and overlaps Nov 2's 4–6: the ranges are merged, nothing is read twice.
        await store.StoreBatchAsync([Lum("a", 1, Midnight.AddHours(-3), 10), Lum("a", 2, Midnight.AddHours(-2), 20), Lum("a", 4, Midnight.AddHours(1), 40)], default);
        await store.StoreBatchAsync([Lum("a", 3, Midnight.AddHours(-1), 30), Lum("a", 5, Midnight.AddHours(2), 50), Lum("a", 6, Midnight.AddHours(3), 60),
            Lum("a", 7, Midnight.AddMinutes(-30), 70), Lum("b", 1, Midnight.AddHours(1), 5), Lum("other-city", 1, Midnight, 1, city: "3550308")], default);
        // a replay stores nothing and must not widen or double anything
        await store.StoreBatchAsync([Lum("a", 5, Midnight.AddHours(2), 50)], default);

        var all = store.EnergyReadings("3548906", Midnight.AddDays(-2), Midnight.AddDays(2));
        Assert.Equal(["a", "b"], all.Keys.Order());
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], all["a"].Select(r => r.Seq));
        Assert.Equal([10.0, 20, 30, 40, 50, 60, 70], all["a"].Select(r => r.EnergyWh));
        Assert.Equal([1L], all["b"].Select(r => r.Seq));
        Assert.Equal([60L, 120, 180, 240, 300, 360, 420], all["a"].Select(r => r.BurnSeconds));
        Assert.Equal(Midnight.AddMinutes(-30), all["a"][^1].Ts);
        // one luminaire only, and only the rows up to an id (what a reader kept up to date has seen)
        Assert.Equal(["b"], store.EnergyReadings("3548906", Midnight.AddDays(-2), Midnight.AddDays(2), device: "b").Keys);
        Assert.Equal([1L, 2, 4], store.EnergyReadings("3548906", Midnight.AddDays(-2), Midnight.AddDays(2), maxId: 3)["a"].Select(r => r.Seq));

        // the ts window still applies inside the ranges: [Midnight−1h, Midnight+2h) holds seqs 3 (−1 h), 4 (+1 h) and 7 (−30 min), not 5 (+2 h)
        var window = store.EnergyReadings("3548906", Midnight.AddHours(-1), Midnight.AddHours(2));
        Assert.Equal([3L, 4, 7], window["a"].Select(r => r.Seq));
        Assert.Equal([1L], window["b"].Select(r => r.Seq));
        Assert.Empty(store.EnergyReadings("3548906", Midnight.AddDays(5), Midnight.AddDays(6)));
        Assert.Equal(["other-city"], store.EnergyReadings("3550308", Midnight.AddDays(-1), Midnight.AddDays(1)).Keys);

        // a meter without a burn register: its burn reads as 0
        await store.StoreBatchAsync([Lum("c", 1, Midnight, 5) with { BurnSeconds = null }], default);
        Assert.Equal([(1L, 5.0, 0L)], store.EnergyReadings("3548906", Midnight, Midnight.AddHours(1))["c"].Select(r => (r.Seq, r.EnergyWh, r.BurnSeconds)));

        // hotspots are read the same way, and luminaires never show up among them
        // (seq 3's clock stepped back before seq 1: the index gives it first, the read still gives seq order)
        await store.StoreBatchAsync([Wifi("w1", 1, Midnight.AddHours(-1)), Wifi("w1", 2, Midnight.AddHours(1)), Wifi("w1", 3, Midnight.AddHours(-2))], default);
        var wifi = store.WifiSamples("3548906", Midnight.AddDays(-1), Midnight.AddDays(1));
        Assert.Equal(["w1"], wifi.Keys);
        Assert.Equal([1L, 2, 3], wifi["w1"].Select(s => s.Seq));
        Assert.Equal([1, 2, 3], wifi["w1"].Select(s => s.Clients));
    }

    [Fact]
    public void A_store_from_before_migration_5_gets_its_roll_up_seq_ranges_back_filled_and_a_partial_city_index()
    {
        var path = Path.Combine(_dir, "cidades.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = string.Join("\n", Schema.Migrations[..4]) + """

                PRAGMA user_version = 4;
                INSERT INTO messages (device, stream, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES
                    ('a', 'telemetry', 1, '3548906', 'luminaire', 1000, 1000, '{}', 1.0, 0),
                    ('a', 'telemetry', 2, '3548906', 'luminaire', 2000, 2000, '{}', 2.0, 0),
                    ('a', 'telemetry', 3, '3548906', 'luminaire', 90000000, 90000000, '{}', 3.0, 0),
                    ('a', 'event', 1, '3548906', 'luminaire', 1500, 1500, '{}', NULL, NULL);
                INSERT INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts) VALUES
                    ('a', '1969-12-31', '3548906', 'luminaire', 2, 1000, 2000),
                    ('a', '1970-01-01', '3548906', 'luminaire', 1, 90000000, 90000000);
                """;
            cmd.ExecuteNonQuery();
        }

        using var store = SqliteStore.Open(_dir);
        Assert.Equal(Schema.Migrations.Length, store.SchemaVersion);
        var ranges = store.Query("SELECT date, min_seq, max_seq FROM daily_rollups ORDER BY date", r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        Assert.Equal([("1969-12-31", 1L, 2L), ("1970-01-01", 3L, 3L)], ranges);
        var index = store.Query("SELECT sql FROM sqlite_master WHERE name = 'messages_city_ts'", r => r.GetString(0)).Single();
        Assert.Contains("WHERE stream <> 'telemetry'", index, StringComparison.Ordinal);
        var readings = store.EnergyReadings("3548906", DateTimeOffset.FromUnixTimeMilliseconds(0), DateTimeOffset.FromUnixTimeMilliseconds(100_000_000));
        Assert.Equal([1L, 2, 3], readings["a"].Select(r => r.Seq));
    }

    [Fact]
    public async Task A_store_from_before_migration_7_has_its_telemetry_moved_in_arrival_order_with_its_seq_sets_and_keeps_rejecting_replays()
    {
        var path = Path.Combine(_dir, "cidades.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            // device a: seqs 1-3 and 5-6 (4 lost), 6 arrived before 5; device b: 1-2; an event of a stays in messages
            cmd.CommandText = string.Join("\n", Schema.Migrations[..6]) + """

                PRAGMA user_version = 6;
                INSERT INTO messages (device, stream, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES
                    ('a', 'telemetry', 1, '3548906', 'luminaire', 1000, 1000, '{"seq":1}', 1.0, 0),
                    ('a', 'telemetry', 2, '3548906', 'luminaire', 2000, 2000, '{"seq":2}', 2.0, 0),
                    ('a', 'telemetry', 3, '3548906', 'luminaire', 3000, 3000, '{"seq":3}', 3.0, 0),
                    ('a', 'telemetry', 5, '3548906', 'luminaire', 5000, 7000, '{"seq":5}', 5.0, 0),
                    ('a', 'telemetry', 6, '3548906', 'luminaire', 6000, 6000, '{"seq":6}', 6.0, 0),
                    ('b', 'telemetry', 1, '3548906', 'luminaire', 1500, 1500, '{"seq":1}', 1.0, 0),
                    ('b', 'telemetry', 2, '3548906', 'luminaire', 2500, 2500, '{"seq":2}', 2.0, 0),
                    ('a', 'event', 1, '3548906', 'luminaire', 1500, 1500, '{}', NULL, NULL);
                """;
            cmd.ExecuteNonQuery();
        }

        using var store = SqliteStore.Open(_dir);
        Assert.Equal(Schema.Migrations.Length, store.SchemaVersion);
        Assert.Equal([("a", 1L), ("b", 1L), ("a", 2L), ("b", 2L), ("a", 3L), ("a", 6L), ("a", 5L)],
            store.Query("SELECT device, seq FROM telemetry ORDER BY id", r => (r.GetString(0), r.GetInt64(1))));
        Assert.Equal([("a", "1-3,5-6", 7L), ("b", "1-2", 4L)],
            store.Query("SELECT device, ranges, last_id FROM seq_sets ORDER BY device", r => (r.GetString(0), r.GetString(1), r.GetInt64(2))));
        Assert.Equal([("a", "event")], store.Query("SELECT device, stream FROM messages", r => (r.GetString(0), r.GetString(1))));
        Assert.Equal([1L, 2, 3, 5, 6], store.EnergyReadings("3548906", DateTimeOffset.FromUnixTimeMilliseconds(0), DateTimeOffset.FromUnixTimeMilliseconds(10_000))["a"].Select(r => r.Seq));
        Assert.Equal([6L, 5, 3], store.Recent("a", "telemetry", 3).Select(m => m.Seq));
        Assert.Equal([1L], store.Recent("a", "event", 3).Select(m => m.Seq));

        // a replay of a moved seq is a duplicate; the lost seq 4 and the next one are new
        var t = DateTimeOffset.FromUnixTimeMilliseconds(4000);
        var results = await store.StoreBatchAsync([Lum("a", 3, t, 3), Lum("a", 4, t, 4), Lum("a", 7, t, 7), Lum("b", 2, t, 2)], default);
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Stored, StoreOutcome.Stored, StoreOutcome.Duplicate], results);
        Assert.Equal(["1-7"], store.Query("SELECT ranges FROM seq_sets WHERE device = 'a'", r => r.GetString(0)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
