using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>Typed reads (and the small writes outside ingest batches) per table.</summary>
internal sealed partial class SqliteStore
{
    /// <summary>Daily roll-ups of one device (or a whole city) for dates in [fromDate, toDate] (yyyy-MM-dd, local).</summary>
    public List<DailyRollup> DailyRollups(string? city, string? device, string fromDate, string toDate)
    {
        FoldRollups();
        return Query("SELECT device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s, backhaul_up, portal_ok, max_clients, max_unique FROM daily_rollups WHERE date >= $f AND date <= $t"
            + (city is null ? "" : " AND city = $c") + (device is null ? "" : " AND device = $d") + " ORDER BY device, date",
            r => new DailyRollup(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
                r.IsDBNull(7) ? null : r.GetDouble(7), r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.IsDBNull(10) ? null : r.GetInt64(10),
                r.GetInt64(11), r.GetInt64(12), r.IsDBNull(13) ? null : r.GetInt64(13), r.IsDBNull(14) ? null : r.GetInt64(14)),
            ("$f", fromDate), ("$t", toDate), ("$c", city), ("$d", device));
    }

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
        if (StoredSeqs(device) is not var (seqs, lastId) || limit <= 0)
        {
            return [];
        }
        var rows = Query("""
            SELECT device, city, kind, seq, ts, received_at, payload FROM telemetry
            WHERE id <= $last AND device = $d AND seq >= $min ORDER BY id DESC LIMIT $l
            """, ReadMessage, ("$last", lastId), ("$d", device), ("$min", seqs.LowestOfNewest(limit)), ("$l", limit));
        rows.Sort(static (a, b) => b.Seq.CompareTo(a.Seq));
        return rows;
    }

    /// <summary>
    /// A device's stored telemetry seqs as committed (null if it has none), and the bound of its newest row's id: the
    /// <c>seq_sets</c> row completed with the device's roll-ups (see <see cref="SeqSet.TryExtendLast"/>).
    /// </summary>
    internal (SeqSet Seqs, long LastId)? StoredSeqs(string device)
    {
        FoldRollups();
        using var c = OpenReader();
        using var s = new PreparedStatement(c, SeqSetSql);
        return s.Text(1, device).TryReadRow(ReadDeviceSeqs, out var seqs) ? (seqs.Set, seqs.LastId) : null;
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

    public Task SaveRegistryAsync(string document, string by, DateTimeOffset at, CancellationToken ct) =>
        WriteAsync("INSERT INTO registry (saved_at, saved_by, document) VALUES ($a, $b, $d)", ct, ("$a", at.ToUnixTimeMilliseconds()), ("$b", by), ("$d", document));

    public string? LatestRegistry() =>
        Query("SELECT document FROM registry ORDER BY id DESC LIMIT 1", r => r.GetString(0)).FirstOrDefault();

    public Task SaveReportAsync(ReportRow row, string html, string csv, string json, byte[]? pdf, CancellationToken ct) =>
        WriteAsync("INSERT OR REPLACE INTO reports (id, scope, city, month, created_at, compliant, digest, html, csv, json, pdf) VALUES ($id, $s, $c, $m, $at, $ok, $dg, $h, $cs, $j, $pdf)", ct,
            ("$id", row.Id), ("$s", row.Scope), ("$c", row.City), ("$m", row.Month), ("$at", row.CreatedAt.ToUnixTimeMilliseconds()), ("$ok", row.Compliant ? 1 : 0),
            ("$dg", row.Digest), ("$h", html), ("$cs", csv), ("$j", json), ("$pdf", pdf));

    /// <summary>Whether any device has a daily roll-up in <paramref name="month"/> (yyyy-MM, local dates).</summary>
    public bool HasRollupsIn(string month)
    {
        FoldRollups();
        return Query("SELECT EXISTS (SELECT 1 FROM daily_rollups WHERE date >= $f AND date < $t)", r => r.GetInt64(0) == 1,
            ("$f", month + "-01"), ("$t", month + "-32"))[0];
    }

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
