using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The hotspot samples Wi-Fi compliance reads (table <c>wifi_samples</c>, schema migration 9): each stored hotspot
/// telemetry message as the eight values compliance uses, clustered by (city, ts). A city-month is then one range of
/// the table, about 60 bytes a sample, instead of one store page and one JSON parse per sample found through the
/// <c>telemetry_city</c> index among every luminaire's rows. Written in the ingest transaction, beside the
/// telemetry row, whose id it carries (readers that follow the telemetry by id stay in step).
/// </summary>
internal sealed partial class SqliteStore
{
    private const int WifiColumns = 13;

    // OR FAIL: see InsertTelemetrySql. (device, seq) is new (the seq set said so), so the key (city, ts, device, seq) is too.
    private const string InsertWifiSql =
        "INSERT OR FAIL INTO wifi_samples (city, ts, device, seq, id, backhaul_up, portal_ok, latency_ms, loss_percent, down_mbps, up_mbps, clients, unique_clients) VALUES ";

    private ChunkedWrite<WifiRow>? _insertWifi;

    // the batch's stored hotspot items and their place among its stored telemetry rows (reused from batch to batch)
    private readonly List<(IngestItem Item, int Ordinal)> _batchWifi = [];

    /// <summary>A hotspot message as a Wi-Fi engine sample: what both ingest and the back-fill store.</summary>
    private static WifiSample WifiSampleOf(long seq, long tsMs, HotspotTelemetry h) =>
        new(seq, DateTimeOffset.FromUnixTimeMilliseconds(tsMs), h.BackhaulUp ?? false, h.PortalOk ?? false, h.LatencyMs, h.LossPercent,
            h.DownMbps, h.UpMbps, h.Clients ?? 0, h.UniqueClientsToday ?? 0);

    /// <summary>
    /// Writes the samples of the batch's stored hotspot rows (<see cref="_batchWifi"/>). The batch's
    /// <paramref name="storedRows"/> telemetry rows were appended in order and the last has id <paramref name="lastId"/>:
    /// SQLite gives a new row the largest rowid plus one, and nothing else writes the table inside this transaction.
    /// </summary>
    private void WriteWifiSamples(int storedRows, long lastId)
    {
        if (_batchWifi.Count == 0)
        {
            return;
        }
        _insertWifi ??= new ChunkedWrite<WifiRow>(_writer, InsertWifiSql, WifiColumns, "", BindWifi);
        _insertWifi.Begin();
        foreach (var (item, ordinal) in _batchWifi)
        {
            // the ingestor hands over the payload it validated; an item made without it (a tool, a test) is read from
            // its JSON as the back-fill reads it, and one whose JSON is not hotspot telemetry has no sample, as before
            var tsMs = item.Ts.ToUnixTimeMilliseconds();
            if ((item.Hotspot is { } h ? WifiSampleOf(item.Seq, tsMs, h) : SampleOf(item.Seq, tsMs, item.Payload)) is { } sample)
            {
                _insertWifi.Add(new WifiRow(item.City, item.Device, sample, lastId - (storedRows - 1 - ordinal)));
            }
        }
        _insertWifi.Flush();
    }

    /// <summary>A row of <c>wifi_samples</c>; <paramref name="Id"/> is its telemetry row's.</summary>
    private readonly record struct WifiRow(string City, string Device, WifiSample Sample, long Id);

    private static void BindWifi(PreparedStatement s, int at, WifiRow row)
    {
        var w = row.Sample;
        s.Text(at + 1, row.City).Int64(at + 2, w.Ts.ToUnixTimeMilliseconds()).Text(at + 3, row.Device).Int64(at + 4, w.Seq).Int64(at + 5, row.Id)
            .Int64(at + 6, w.BackhaulUp ? 1 : 0).Int64(at + 7, w.PortalOk ? 1 : 0).Double(at + 8, w.LatencyMs).Double(at + 9, w.LossPercent)
            .Double(at + 10, w.DownMbps).Double(at + 11, w.UpMbps).Int64(at + 12, w.Clients).Int64(at + 13, w.UniqueClientsToday);
    }

    /// <summary>
    /// Migration 9: a sample for every hotspot row already in <c>telemetry</c>, read from its JSON with the contract's
    /// serializer, as <see cref="WifiSamplesFromPayloads"/> reads it (inside the migration's transaction).
    /// </summary>
    /// <summary>Hotspot rows the back-fill reads and writes at a time (the results do not depend on it; tests make it small).</summary>
    internal static int WifiBackfillChunk { get; set; } = 20_000;

    private void BackfillWifiSamples()
    {
        // in chunks of rows held in memory (a store may hold years of samples), each read then written on this one
        // connection; one pass over the telemetry in id order
        using var read = new PreparedStatement(_writer, "SELECT id, device, seq, city, ts, payload FROM telemetry WHERE id > ?1 AND kind = 'hotspot' ORDER BY id LIMIT ?2");
        using var insert = new PreparedStatement(_writer, InsertWifiSql + "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
        var rows = new List<WifiRow>();
        var after = 0L;
        while (true)
        {
            rows.Clear();
            var found = false;
            read.Int64(1, after).Int64(2, WifiBackfillChunk);
            while (read.Next())
            {
                found = true;
                after = read.Int64At(0);
                if (SampleOf(read.Int64At(2), read.Int64At(4), read.BytesAt(5)) is { } sample)
                {
                    rows.Add(new WifiRow(read.TextAt(3)!, read.TextAt(1)!, sample, after));
                }
            }
            if (!found)
            {
                return;
            }
            foreach (var row in rows)
            {
                BindWifi(insert, 0, row);
                insert.Execute();
            }
        }
    }

    /// <summary>Hotspot samples of a city with ts in [from, to), per device in seq order (only rows up to <paramref name="maxId"/> when given).</summary>
    public Dictionary<string, List<WifiSample>> WifiSamples(string city, DateTimeOffset from, DateTimeOffset to, long? maxId = null) =>
        ByDevice<WifiSample>("""
            SELECT seq, ts, backhaul_up, portal_ok, latency_ms, loss_percent, down_mbps, up_mbps, clients, unique_clients, device
            FROM wifi_samples WHERE city = ?1 AND ts >= ?2 AND ts < ?3 AND id <= ?4
            """,
            s => s.Text(1, city).Int64(2, from.ToUnixTimeMilliseconds()).Int64(3, to.ToUnixTimeMilliseconds()).Int64(4, maxId ?? long.MaxValue),
            static s => new WifiSample(s.Int64At(0), DateTimeOffset.FromUnixTimeMilliseconds(s.Int64At(1)), s.Int64At(2) != 0, s.Int64At(3) != 0,
                s.NullableDoubleAt(4), s.NullableDoubleAt(5), s.NullableDoubleAt(6), s.NullableDoubleAt(7), (int)s.Int64At(8), (int)s.Int64At(9)),
            static (a, b) => a.Seq.CompareTo(b.Seq));

    /// <summary>
    /// The same samples read as before migration 9: through the <c>telemetry_city</c> index, each row's JSON parsed.
    /// Kept for the bench (<c>bench -- wifi-refresh</c> compares both in one run) and the tests that hold the two equal.
    /// </summary>
    internal Dictionary<string, List<WifiSample>> WifiSamplesFromPayloads(string city, DateTimeOffset from, DateTimeOffset to, long? maxId = null) =>
        CityRows<WifiSample>(city, "hotspot", from, to, "seq, ts, payload", null, maxId, null,
            static s => SampleOf(s.Int64At(0), s.Int64At(1), s.BytesAt(2)),
            static (a, b) => a.Seq.CompareTo(b.Seq));

    /// <summary>Hotspot samples of every city with telemetry ids in (<paramref name="afterId"/>, <paramref name="upToId"/>], in arrival (id) order.</summary>
    public List<(string City, string Device, WifiSample Sample)> WifiSamplesBetween(long afterId, long upToId)
    {
        var rows = Query("SELECT seq, ts, payload, city, device FROM telemetry WHERE id > $a AND id <= $b AND kind = 'hotspot' ORDER BY id",
            r => (r.GetString(3), r.GetString(4), SampleOf(r.GetInt64(0), r.GetInt64(1), System.Text.Encoding.UTF8.GetBytes(r.GetString(2)))),
            ("$a", afterId), ("$b", upToId));
        return [.. rows.Where(r => r.Item3 is not null).Select(r => (r.Item1, r.Item2, r.Item3!.Value))];
    }

    /// <summary>A stored hotspot payload as a sample; null if the JSON is not hotspot telemetry.</summary>
    private static WifiSample? SampleOf(long seq, long tsMs, ReadOnlySpan<byte> payload) =>
        HotspotOf(payload) is { } h ? WifiSampleOf(seq, tsMs, h) : null;

    /// <summary>A stored hotspot payload read with the contract's serializer; null if the JSON is not hotspot telemetry.</summary>
    private static HotspotTelemetry? HotspotOf(ReadOnlySpan<byte> payload)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(payload, TelemetryJson.Default.HotspotTelemetry);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
