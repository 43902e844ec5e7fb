using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>Typed reads (and the small writes outside ingest batches) per table.</summary>
internal sealed partial class SqliteStore
{
    /// <summary>Energy registers of a city's luminaires with ts in [from, to), per device in seq order.</summary>
    /// <remarks>
    /// <paramref name="maxId"/>: only rows up to that id (the rows a reader has already seen arrive).
    /// <paramref name="device"/>: only that luminaire's (the city's rows of the period are still scanned).
    /// </remarks>
    public Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Energy.EnergyReading>> EnergyReadings(string city, DateTimeOffset from, DateTimeOffset to, long? maxId = null, string? device = null) =>
        // burn_s NULL (a meter without a burn register) reads as 0
        CityRows<CidadesInteligentes.Cloud.Domain.Energy.EnergyReading>(city, "luminaire", from, to, "seq, ts, energy_wh, burn_s", "energy_wh IS NOT NULL", maxId, device,
            static s => new CidadesInteligentes.Cloud.Domain.Energy.EnergyReading(raw.sqlite3_column_int64(s, 0), DateTimeOffset.FromUnixTimeMilliseconds(raw.sqlite3_column_int64(s, 1)),
                raw.sqlite3_column_double(s, 2), raw.sqlite3_column_int64(s, 3)),
            static (a, b) => a.Seq.CompareTo(b.Seq));

    /// <summary>
    /// The earliest ts of a luminaire's energy readings on local dates in [<paramref name="fromDate"/>,
    /// <paramref name="toDate"/>] (yyyy-MM-dd), from its daily roll-ups; null if it has none there. Where a read of its
    /// readings in that period can start.
    /// </summary>
    public DateTimeOffset? FirstReadingBetween(string device, string fromDate, string toDate) =>
        Query("SELECT min(first_ts) FROM daily_rollups WHERE device = $d AND date >= $f AND date <= $t AND energy_min_wh IS NOT NULL",
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), ("$d", device), ("$f", fromDate), ("$t", toDate))[0];

    /// <summary>The id of the newest telemetry row (0 for none): rows are appended in commit order, so every row up to it is committed.</summary>
    public long MaxTelemetryId() => Query("SELECT coalesce(max(id), 0) FROM telemetry", r => r.GetInt64(0))[0];

    /// <summary>
    /// Luminaire energy readings of every city with ids in (<paramref name="afterId"/>, <paramref name="upToId"/>], in
    /// arrival (id) order: what arrived since a reader last looked, read by rowid range.
    /// </summary>
    public List<(string City, string Device, CidadesInteligentes.Cloud.Domain.Energy.EnergyReading Reading)> LuminaireReadingsBetween(long afterId, long upToId) =>
        Query("SELECT city, device, seq, ts, energy_wh, burn_s FROM telemetry WHERE id > $a AND id <= $b AND kind = 'luminaire' AND energy_wh IS NOT NULL ORDER BY id",
            r => (r.GetString(0), r.GetString(1), new CidadesInteligentes.Cloud.Domain.Energy.EnergyReading(r.GetInt64(2),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetDouble(4), r.IsDBNull(5) ? 0 : r.GetInt64(5))),
            ("$a", afterId), ("$b", upToId));

    /// <summary>Hotspot telemetry of a city with ts in [from, to), per device in seq order, as Wi-Fi engine samples (only rows up to <paramref name="maxId"/> when given).</summary>
    public Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Wifi.WifiSample>> WifiSamples(string city, DateTimeOffset from, DateTimeOffset to, long? maxId = null) =>
        CityRows<CidadesInteligentes.Cloud.Domain.Wifi.WifiSample>(city, "hotspot", from, to, "seq, ts, payload", null, maxId, null,
            static s => WifiSample(raw.sqlite3_column_int64(s, 0), raw.sqlite3_column_int64(s, 1),
                System.Text.Json.JsonSerializer.Deserialize(raw.sqlite3_column_blob(s, 2), CidadesInteligentes.Telemetry.Contract.TelemetryJson.Default.HotspotTelemetry)),
            static (a, b) => a.Seq.CompareTo(b.Seq));

    /// <summary>Hotspot samples of every city with ids in (<paramref name="afterId"/>, <paramref name="upToId"/>], in arrival (id) order.</summary>
    public List<(string City, string Device, CidadesInteligentes.Cloud.Domain.Wifi.WifiSample Sample)> WifiSamplesBetween(long afterId, long upToId)
    {
        var rows = Query("SELECT seq, ts, payload, city, device FROM telemetry WHERE id > $a AND id <= $b AND kind = 'hotspot' ORDER BY id",
            r => (r.GetString(3), r.GetString(4), WifiSample(r.GetInt64(0), r.GetInt64(1),
                System.Text.Json.JsonSerializer.Deserialize(r.GetString(2), CidadesInteligentes.Telemetry.Contract.TelemetryJson.Default.HotspotTelemetry))),
            ("$a", afterId), ("$b", upToId));
        return [.. rows.Where(r => r.Item3 is not null).Select(r => (r.Item1, r.Item2, r.Item3!.Value))];
    }

    /// <summary>A row's seq, ts and stored JSON as a Wi-Fi engine sample (null if the JSON is not hotspot telemetry).</summary>
    private static CidadesInteligentes.Cloud.Domain.Wifi.WifiSample? WifiSample(long seq, long ts, CidadesInteligentes.Telemetry.Contract.HotspotTelemetry? h) =>
        h is null ? null : new(seq, DateTimeOffset.FromUnixTimeMilliseconds(ts), h.BackhaulUp ?? false, h.PortalOk ?? false, h.LatencyMs, h.LossPercent,
            h.DownMbps, h.UpMbps, h.Clients ?? 0, h.UniqueClientsToday ?? 0);

    /// <summary>
    /// A city's telemetry of one device kind with ts in [from, to) (optionally only rows up to <paramref name="maxId"/>, only
    /// <paramref name="device"/>'s: the city's rows of the period are still scanned), each row read by <paramref name="read"/>
    /// (null: skipped), per device in seq order. A city-month at one reading a minute is tens of millions of rows: they
    /// are read with SQLite's own calls (as ingest writes them), and each device's list is found by the name's
    /// characters, so a row allocates no string. Rows come in the order of the <c>telemetry_city</c> index (city, kind,
    /// ts), devices interleaved, and each device's list is put in seq order here: an <c>ORDER BY device, seq</c> made
    /// SQLite sort every row of the period first (docs/performance.md, "The price is on the read side").
    /// </summary>
    private Dictionary<string, List<T>> CityRows<T>(string city, string kind, DateTimeOffset from, DateTimeOffset to, string columns, string? where, long? maxId, string? device,
        Func<sqlite3_stmt, T?> read, Comparison<T> bySeq)
        where T : struct
    {
        var result = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        var byName = result.GetAlternateLookup<ReadOnlySpan<char>>();
        using var c = OpenReader();
        // the device is the last column
        using var s = new PreparedStatement(c, $"SELECT {columns}, device FROM telemetry WHERE city = ?1 AND kind = ?2 AND ts >= ?3 AND ts < ?4 AND id <= ?5"
            + (where is null ? "" : " AND " + where) + (device is null ? "" : " AND device = ?6"));
        s.Text(1, city).Text(2, kind).Int64(3, from.ToUnixTimeMilliseconds()).Int64(4, to.ToUnixTimeMilliseconds()).Int64(5, maxId ?? long.MaxValue);
        if (device is not null)
        {
            s.Text(6, device);
        }
        var deviceColumn = raw.sqlite3_column_count(s.Statement) - 1;
        Span<char> name = stackalloc char[256];
        while (s.Next())
        {
            if (read(s.Statement) is not { } value)
            {
                continue;
            }
            var utf8 = raw.sqlite3_column_blob(s.Statement, deviceColumn);
            List<T>? list;
            if (utf8.Length > name.Length)
            {
                var id = System.Text.Encoding.UTF8.GetString(utf8);
                if (!result.TryGetValue(id, out list))
                {
                    result[id] = list = [];
                }
            }
            else
            {
                var chars = System.Text.Encoding.UTF8.GetChars(utf8, name);
                if (!byName.TryGetValue(name[..chars], out list))
                {
                    result[new string(name[..chars])] = list = [];
                }
            }
            list.Add(value);
        }
        return InSeqOrder(result, bySeq);
    }

    /// <summary>Sorts each device's rows of <see cref="CityRows"/> (which come in ts order) by seq.</summary>
    private static Dictionary<string, List<T>> InSeqOrder<T>(Dictionary<string, List<T>> byDevice, Comparison<T> bySeq)
    {
        foreach (var list in byDevice.Values)
        {
            // nearly always in seq order already (read by ts): a sort is not adaptive, so look first
            for (var i = 1; i < list.Count; i++)
            {
                if (bySeq(list[i - 1], list[i]) > 0)
                {
                    list.Sort(bySeq);
                    break;
                }
            }
        }
        return byDevice;
    }

    /// <summary>Daily roll-ups of one device (or a whole city) for dates in [fromDate, toDate] (yyyy-MM-dd, local).</summary>
    public List<DailyRollup> DailyRollups(string? city, string? device, string fromDate, string toDate) =>
        Query("SELECT device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s, backhaul_up, portal_ok, max_clients, max_unique FROM daily_rollups WHERE date >= $f AND date <= $t"
            + (city is null ? "" : " AND city = $c") + (device is null ? "" : " AND device = $d") + " ORDER BY device, date",
            r => new DailyRollup(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
                r.IsDBNull(7) ? null : r.GetDouble(7), r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.IsDBNull(10) ? null : r.GetInt64(10),
                r.GetInt64(11), r.GetInt64(12), r.IsDBNull(13) ? null : r.GetInt64(13), r.IsDBNull(14) ? null : r.GetInt64(14)),
            ("$f", fromDate), ("$t", toDate), ("$c", city), ("$d", device));

    /// <summary>The latest <paramref name="limit"/> messages of a device's stream, newest (highest seq) first.</summary>
    public List<StoredMessage> Recent(string device, string stream, int limit)
    {
        if (stream != "telemetry")
        {
            return Query("SELECT device, city, kind, seq, ts, received_at, payload FROM messages WHERE device = $d AND stream = $s ORDER BY seq DESC LIMIT $l",
                ReadMessage, ("$d", device), ("$s", stream), ("$l", limit));
        }
        // the device's seq set says which seqs are the newest ones; the rows are in arrival order, so walk back from the
        // device's newest row (last_id) until those are found (normally the last ones to arrive)
        var set = Query("SELECT ranges, last_id FROM seq_sets WHERE device = $d AND stream = 'telemetry'", r => (SeqSet.Parse(r.GetString(0)), r.GetInt64(1)), ("$d", device));
        if (set.Count == 0 || limit <= 0)
        {
            return [];
        }
        var (seqs, lastId) = set[0];
        var rows = Query("""
            SELECT device, city, kind, seq, ts, received_at, payload FROM telemetry
            WHERE id <= $last AND device = $d AND seq >= $min ORDER BY id DESC LIMIT $l
            """, ReadMessage, ("$last", lastId), ("$d", device), ("$min", seqs.LowestOfNewest(limit)), ("$l", limit));
        rows.Sort(static (a, b) => b.Seq.CompareTo(a.Seq));
        return rows;
    }

    /// <summary>Every seq stored for a device's stream, read from the rows themselves (for audits and tests).</summary>
    public List<long> Seqs(string device, string stream) =>
        stream == "telemetry"
            ? Query("SELECT seq FROM telemetry WHERE device = $d ORDER BY seq", r => r.GetInt64(0), ("$d", device))
            : Query("SELECT seq FROM messages WHERE device = $d AND stream = $s ORDER BY seq", r => r.GetInt64(0), ("$d", device), ("$s", stream));

    public List<StoredStatus> StatusLog(string? city, string? device, DateTimeOffset from, DateTimeOffset to) =>
        Query("SELECT device, city, kind, state, ts, received_at, payload FROM status_log WHERE received_at >= $f AND received_at < $t"
            + (city is null ? "" : " AND city = $c") + (device is null ? "" : " AND device = $d") + " ORDER BY id",
            r => new StoredStatus(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.GetString(6)),
            ("$f", from.ToUnixTimeMilliseconds()), ("$t", to.ToUnixTimeMilliseconds()), ("$c", city), ("$d", device));

    /// <summary>Saves alerts as they are now (insert or update by id), in one transaction.</summary>
    public async Task SaveAlertsAsync(IReadOnlyCollection<CidadesInteligentes.Cloud.Fleet.Alert> alerts, CancellationToken ct)
    {
        if (alerts.Count == 0)
        {
            return;
        }
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var tx = _writer.BeginTransaction();
            using var cmd = Command(tx, """
                INSERT INTO alerts (id, device, city, type, scope, active, opened_at, closed_at, detail, count) VALUES ($id, $d, $c, $t, $s, $a, $o, $cl, $de, $n)
                ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, active = excluded.active, opened_at = excluded.opened_at,
                    closed_at = excluded.closed_at, detail = excluded.detail, count = excluded.count
                """);
            foreach (var a in alerts)
            {
                Bind(cmd, ("$id", a.Id), ("$d", a.Device), ("$c", a.City), ("$t", a.Type), ("$s", a.Scope), ("$a", a.Active ? 1 : 0),
                    ("$o", a.OpenedAt.ToUnixTimeMilliseconds()), ("$cl", a.ClosedAt?.ToUnixTimeMilliseconds()), ("$de", a.Detail), ("$n", a.Count));
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Alerts to restore at start: every open one, those closed since <paramref name="closedSince"/> (the history the
    /// API lists), and the newest, so new ids continue after the highest ever given.
    /// </summary>
    public List<CidadesInteligentes.Cloud.Domain.Fleet.Alert> LoadAlerts(DateTimeOffset closedSince) =>
        Query("SELECT id, device, city, type, scope, active, opened_at, closed_at, detail, count FROM alerts WHERE active = 1 OR closed_at >= $since OR id = (SELECT max(id) FROM alerts) ORDER BY id",
            r => new CidadesInteligentes.Cloud.Domain.Fleet.Alert
            {
                Id = r.GetInt64(0), Device = r.GetString(1), City = r.GetString(2), Type = r.GetString(3), Scope = r.GetString(4), Active = r.GetInt64(5) == 1,
                OpenedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)), ClosedAt = r.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
                Detail = r.IsDBNull(8) ? null : r.GetString(8), Count = (int)r.GetInt64(9),
            },
            ("$since", closedSince.ToUnixTimeMilliseconds()));

    public List<DeadLetterRow> DeadLetters(int limit) =>
        Query("SELECT id, received_at, client, topic, reason, detail FROM dead_letters ORDER BY id DESC LIMIT $l",
            r => new DeadLetterRow(r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5)),
            ("$l", limit));

    public Task InsertCommandAsync(CommandRow c, CancellationToken ct) =>
        WriteAsync("INSERT INTO commands (id, device, city, type, body, sent_at, sent_by) VALUES ($id, $d, $c, $t, $b, $s, $by)", ct,
            ("$id", c.Id), ("$d", c.Device), ("$c", c.City), ("$t", c.Type), ("$b", c.Body), ("$s", c.SentAt.ToUnixTimeMilliseconds()), ("$by", c.SentBy));

    public List<CommandRow> Commands(string device, string? id, int limit) =>
        Query("SELECT id, device, city, type, body, sent_at, sent_by, result, detail, ack_at FROM commands WHERE device = $d"
            + (id is null ? "" : " AND id = $id") + " ORDER BY sent_at DESC LIMIT $l",
            r => new CommandRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9))),
            ("$d", device), ("$id", id), ("$l", limit));

    public Task AuditAsync(DateTimeOffset at, string who, string action, string target, string detail, CancellationToken ct) =>
        WriteAsync("INSERT INTO audit (at, who, action, target, detail) VALUES ($a, $w, $ac, $t, $d)", ct,
            ("$a", at.ToUnixTimeMilliseconds()), ("$w", who), ("$ac", action), ("$t", target), ("$d", detail));

    public List<(DateTimeOffset At, string Who, string Action, string Target, string Detail)> Audit(int limit) =>
        Query("SELECT at, who, action, target, detail FROM audit ORDER BY id DESC LIMIT $l",
            r => (DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), ("$l", limit));

    /// <summary>
    /// Keeps a savings city-month as of telemetry row <paramref name="upToId"/> (<see cref="SavingsMonth"/>); an older one
    /// never replaces a newer one (two saves can be in flight).
    /// </summary>
    public Task SaveSavingsMonthAsync(string city, string month, long upToId, DateTimeOffset at, byte[] data, CancellationToken ct) =>
        WriteAsync("""
            INSERT INTO savings_months (city, month, up_to_id, saved_at, data) VALUES ($c, $m, $u, $a, $d)
            ON CONFLICT (city, month) DO UPDATE SET up_to_id = excluded.up_to_id, saved_at = excluded.saved_at, data = excluded.data
            WHERE excluded.up_to_id >= savings_months.up_to_id
            """, ct, ("$c", city), ("$m", month), ("$u", upToId), ("$a", at.ToUnixTimeMilliseconds()), ("$d", data));

    /// <summary>The savings city-month kept by <see cref="SaveSavingsMonthAsync"/>, with the row id it is as of; null if none.</summary>
    public (long UpToId, byte[] Data)? SavingsMonth(string city, string month) =>
        Query("SELECT up_to_id, data FROM savings_months WHERE city = $c AND month = $m", r => ((long, byte[])?)(r.GetInt64(0), (byte[])r.GetValue(1)), ("$c", city), ("$m", month))
            .FirstOrDefault();

    public Task SaveRegistryAsync(string document, string by, DateTimeOffset at, CancellationToken ct) =>
        WriteAsync("INSERT INTO registry (saved_at, saved_by, document) VALUES ($a, $b, $d)", ct, ("$a", at.ToUnixTimeMilliseconds()), ("$b", by), ("$d", document));

    public string? LatestRegistry() =>
        Query("SELECT document FROM registry ORDER BY id DESC LIMIT 1", r => r.GetString(0)).FirstOrDefault();

    public Task SaveReportAsync(ReportRow row, string html, string csv, string json, byte[]? pdf, CancellationToken ct) =>
        WriteAsync("INSERT OR REPLACE INTO reports (id, scope, city, month, created_at, compliant, digest, html, csv, json, pdf) VALUES ($id, $s, $c, $m, $at, $ok, $dg, $h, $cs, $j, $pdf)", ct,
            ("$id", row.Id), ("$s", row.Scope), ("$c", row.City), ("$m", row.Month), ("$at", row.CreatedAt.ToUnixTimeMilliseconds()), ("$ok", row.Compliant ? 1 : 0),
            ("$dg", row.Digest), ("$h", html), ("$cs", csv), ("$j", json), ("$pdf", pdf));

    /// <summary>Whether any device has a daily roll-up in <paramref name="month"/> (yyyy-MM, local dates).</summary>
    public bool HasRollupsIn(string month) =>
        Query("SELECT EXISTS (SELECT 1 FROM daily_rollups WHERE date >= $f AND date < $t)", r => r.GetInt64(0) == 1,
            ("$f", month + "-01"), ("$t", month + "-32"))[0];

    public List<ReportRow> Reports(string? city, string? month) =>
        Query("SELECT id, scope, city, month, created_at, compliant, digest, pdf IS NOT NULL FROM reports WHERE 1=1"
            + (city is null ? "" : " AND city = $c") + (month is null ? "" : " AND month = $m") + " ORDER BY month DESC, scope, city",
            r => new ReportRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                r.GetInt64(5) == 1, r.GetString(6), r.GetInt64(7) == 1),
            ("$c", city), ("$m", month));

    /// <summary>One format of a stored report (html, csv, json as text; pdf as bytes), or null.</summary>
    public object? ReportContent(string id, string format)
    {
        var column = format switch { "html" => "html", "csv" => "csv", "json" => "json", "pdf" => "pdf", _ => null };
        if (column is null)
        {
            return null;
        }
        return Query($"SELECT {column} FROM reports WHERE id = $id", r => r.IsDBNull(0) ? null : r.GetValue(0), ("$id", id)).FirstOrDefault();
    }

    private static StoredMessage ReadMessage(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.GetString(6));
}
