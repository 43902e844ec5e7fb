using System.Globalization;
using System.Text;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>
/// Schema migration 12 keys the daily roll-ups by (date, device) instead of (device, date), so that a fold, which writes
/// one local date's rows, writes neighbouring pages. These tests hold the migrated roll-ups equal to the old ones, and
/// the per-device reads on the new index.
/// </summary>
public sealed class RollupKeyMigrationTests : IDisposable
{
    private const string City = "3548906";
    private const int Version11 = 11;
    private readonly string _dir = ServerProcess.CreateTempDirectory("rollup-key");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private const string AllRollups = """
        SELECT device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s,
               backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq, last_id FROM daily_rollups ORDER BY device, date
        """;

    private static string Row(SqliteDataReader r) =>
        string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)));

    /// <summary>
    /// A store at schema version 11 holding the roll-ups of three luminaires and a hotspot over three days, some values
    /// null (a day without energy readings, a hotspot's), written in the old key order; returns them as read.
    /// </summary>
    private List<string> Version11Store()
    {
        var rows = new List<string>();
        foreach (var device in new[] { "sc-lum-000003", "sc-lum-000001", "sc-lum-000002" })
        {
            for (var day = 18; day <= 20; day++)
            {
                var first = new DateTimeOffset(2026, 11, day, 3, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
                var energy = device == "sc-lum-000002" && day == 19 ? "NULL, NULL" : $"{day * 1000.5}, {day * 1000.5 + 1234.25}";
                rows.Add($"('{device}', '2026-11-{day}', '{City}', 'luminaire', 96, {first}, {first + 85_500_000}, {energy}, {day * 100}, {day * 100 + 43_200}, 0, 0, NULL, NULL, {day * 96}, {day * 96 + 95}, {day * 1000})");
            }
        }
        rows.Add($"('sc-wifi-000001', '2026-11-19', '{City}', 'hotspot', 1440, 1763521200000, 1763607540000, NULL, NULL, NULL, NULL, 1439, 1430, 37, 412, 1, 1440, NULL)");
        using var c = new SqliteConnection($"Data Source={Path.Combine(_dir, "cidades.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = string.Join("\n", Schema.Migrations[..Version11]) + $"""

            PRAGMA user_version = {Version11};
            INSERT INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s,
                backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq, last_id) VALUES {string.Join(",\n", rows)};
            """;
        cmd.ExecuteNonQuery();
        cmd.CommandText = AllRollups;
        using var reader = cmd.ExecuteReader();
        var before = new List<string>();
        while (reader.Read())
        {
            before.Add(Row(reader));
        }
        return before;
    }

    [Fact]
    public async Task Migration_12_keys_the_roll_ups_by_date_then_device_and_keeps_every_row_and_value_and_later_messages_add_to_them()
    {
        var before = Version11Store();
        Assert.Equal(10, before.Count);

        using var store = SqliteStore.Open(_dir);

        Assert.Equal(Schema.Migrations.Length, store.SchemaVersion);
        Assert.Equal(before, store.Query(AllRollups, Row));
        Assert.Equal(["date", "device"], store.Query("SELECT name FROM pragma_table_info('daily_rollups') WHERE pk > 0 ORDER BY pk", r => r.GetString(0)));
        Assert.Equal(["daily_rollups_city", "daily_rollups_device"],
            store.Query("SELECT name FROM pragma_index_list('daily_rollups') WHERE origin = 'c' ORDER BY name", r => r.GetString(0)));
        Assert.Equal(["device", "date"], store.Query("SELECT name FROM pragma_index_info('daily_rollups_device') ORDER BY seqno", r => r.GetString(0)));

        // a message of a migrated device-day adds to its row (the upsert's conflict target is the new key)
        var ts = new DateTimeOffset(2026, 11, 21, 2, 50, 0, TimeSpan.Zero); // 23:50 in São Paulo: still the 20th, after its last reading
        var item = new IngestItem(IngestItemKind.Message, "sc-lum-000001", "telemetry", 2_100, City, "luminaire", ts, ts,
            Encoding.UTF8.GetBytes("""{"v":1,"seq":2100}"""), EnergyWh: 30_000, BurnSeconds: 50_000, LocalDate: Ingestor.LocalDate(ts));
        Assert.Equal("2026-11-20", item.LocalDate);
        Assert.Equal([StoreOutcome.Stored], await store.StoreBatchAsync([item], CancellationToken.None));
        var day = Assert.Single(store.DailyRollups(City, "sc-lum-000001", "2026-11-20", "2026-11-20"));
        Assert.Equal(97, day.Messages);
        Assert.Equal(20 * 1000.5, day.EnergyMinWh);
        Assert.Equal(30_000, day.EnergyMaxWh);
        Assert.Equal(ts, day.LastTs);
        // the other rows are untouched
        var after = store.Query(AllRollups, Row);
        Assert.Equal(before.Where(r => !r.StartsWith("sc-lum-000001|2026-11-20|", StringComparison.Ordinal)),
            after.Where(r => !r.StartsWith("sc-lum-000001|2026-11-20|", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(SqliteStore.ReadingLookup.LastBeforeSql)]
    [InlineData(SqliteStore.ReadingLookup.FirstFromSql)]
    [InlineData(SqliteStore.FirstReadingBetweenSql)]
    public void A_per_device_read_of_the_roll_ups_searches_the_device_index_instead_of_scanning_the_days(string sql)
    {
        using var store = SqliteStore.Open(_dir);
        var parameters = sql.Contains("?1", StringComparison.Ordinal)
            ? new[] { ("?1", (object?)"sc-lum-000001"), ("?2", "2026-11-20") }
            : [("$d", "sc-lum-000001"), ("$f", "2026-11-01"), ("$t", "2026-11-30")];

        var plan = string.Join("\n", store.Query("EXPLAIN QUERY PLAN " + sql, r => r.GetString(3), parameters));

        Assert.Contains("SEARCH daily_rollups USING INDEX daily_rollups_device (device=? AND date", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }
}
