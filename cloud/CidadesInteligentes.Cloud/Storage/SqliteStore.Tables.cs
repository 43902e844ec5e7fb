using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>Typed reads (and the small writes outside ingest batches) per table.</summary>
internal sealed partial class SqliteStore
{
    /// <summary>Sequenced messages of one stream for a city (or one device) in [from, to), ordered by device then seq.</summary>
    public List<StoredMessage> Messages(string stream, string? city, string? device, DateTimeOffset from, DateTimeOffset to) =>
        Query(
            "SELECT device, city, kind, seq, ts, received_at, payload FROM messages WHERE stream = $s AND ts >= $f AND ts < $t"
            + (city is null ? "" : " AND city = $c") + (device is null ? "" : " AND device = $d") + " ORDER BY device, seq",
            ReadMessage, ("$s", stream), ("$f", from.ToUnixTimeMilliseconds()), ("$t", to.ToUnixTimeMilliseconds()), ("$c", city), ("$d", device));

    /// <summary>Energy registers of a city's luminaires with ts in [from, to), per device in seq order.</summary>
    public Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Energy.EnergyReading>> EnergyReadings(string city, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Energy.EnergyReading>>(StringComparer.Ordinal);
        using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT device, seq, ts, energy_wh, burn_s FROM messages WHERE city = $c AND stream = 'telemetry' AND kind = 'luminaire' AND ts >= $f AND ts < $t AND energy_wh IS NOT NULL ORDER BY device, seq";
        cmd.Parameters.AddWithValue("$c", city);
        cmd.Parameters.AddWithValue("$f", from.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$t", to.ToUnixTimeMilliseconds());
        using var r = cmd.ExecuteReader();
        List<CidadesInteligentes.Cloud.Domain.Energy.EnergyReading>? current = null;
        string? currentDevice = null;
        while (r.Read())
        {
            var device = r.GetString(0);
            if (!string.Equals(device, currentDevice, StringComparison.Ordinal))
            {
                currentDevice = device;
                current = [];
                result[device] = current;
            }
            current!.Add(new(r.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.GetDouble(3), r.IsDBNull(4) ? 0 : r.GetInt64(4)));
        }
        return result;
    }

    /// <summary>Hotspot telemetry of a city with ts in [from, to), per device in seq order, as Wi-Fi engine samples.</summary>
    public Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Wifi.WifiSample>> WifiSamples(string city, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Wifi.WifiSample>>(StringComparer.Ordinal);
        foreach (var m in Messages("telemetry", city, null, from, to))
        {
            if (m.Kind != "hotspot")
            {
                continue;
            }
            var h = System.Text.Json.JsonSerializer.Deserialize(m.Payload, CidadesInteligentes.Telemetry.Contract.TelemetryJson.Default.HotspotTelemetry);
            if (h is null)
            {
                continue;
            }
            if (!result.TryGetValue(m.Device, out var list))
            {
                result[m.Device] = list = [];
            }
            list.Add(new(m.Seq, m.Ts, h.BackhaulUp ?? false, h.PortalOk ?? false, h.LatencyMs, h.LossPercent, h.DownMbps, h.UpMbps, h.Clients ?? 0, h.UniqueClientsToday ?? 0));
        }
        return result;
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

    /// <summary>The latest <paramref name="limit"/> messages of a device's stream, newest first.</summary>
    public List<StoredMessage> Recent(string device, string stream, int limit) =>
        Query("SELECT device, city, kind, seq, ts, received_at, payload FROM messages WHERE device = $d AND stream = $s ORDER BY seq DESC LIMIT $l",
            ReadMessage, ("$d", device), ("$s", stream), ("$l", limit));

    /// <summary>Every seq stored for a device's stream (for audits and tests).</summary>
    public List<long> Seqs(string device, string stream) =>
        Query("SELECT seq FROM messages WHERE device = $d AND stream = $s ORDER BY seq", r => r.GetInt64(0), ("$d", device), ("$s", stream));

    public List<StoredStatus> StatusLog(string? city, string? device, DateTimeOffset from, DateTimeOffset to) =>
        Query("SELECT device, city, kind, state, ts, received_at, payload FROM status_log WHERE received_at >= $f AND received_at < $t"
            + (city is null ? "" : " AND city = $c") + (device is null ? "" : " AND device = $d") + " ORDER BY id",
            r => new StoredStatus(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.GetString(6)),
            ("$f", from.ToUnixTimeMilliseconds()), ("$t", to.ToUnixTimeMilliseconds()), ("$c", city), ("$d", device));

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
