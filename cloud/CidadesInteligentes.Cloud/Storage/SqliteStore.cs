using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>What one ingested message turns into in the store.</summary>
internal enum IngestItemKind
{
    Message,
    Status,
    DeadLetter,
}

/// <summary>A validated message (telemetry, event, ack), a status change, or a rejected message with its reason.</summary>
internal sealed record IngestItem(
    IngestItemKind Kind,
    string Device,
    string Stream,
    long Seq,
    string City,
    string DeviceKind,
    DateTimeOffset Ts,
    DateTimeOffset ReceivedAt,
    string Payload,
    string? State = null,
    string? Topic = null,
    string? Client = null,
    string? Reason = null,
    string? Detail = null,
    byte[]? RawPayload = null,
    string? AckId = null,
    string? AckResult = null,
    string? AckDetail = null,
    double? EnergyWh = null,
    long? BurnSeconds = null,
    string? LocalDate = null,
    bool? BackhaulUp = null,
    bool? PortalOk = null,
    int? Clients = null,
    int? UniqueClients = null);

/// <summary>What one batch adds to a device-day roll-up.</summary>
internal readonly record struct RollupDelta(string? City, string? Kind, long Messages, long FirstTs, long LastTs, double? EnergyMin, double? EnergyMax,
    long? BurnMin, long? BurnMax, long BackhaulUp, long PortalOk, long? MaxClients, long? MaxUnique)
{
    public RollupDelta Add(IngestItem it)
    {
        var ts = it.Ts.ToUnixTimeMilliseconds();
        return Messages == 0
            ? new(it.City, it.DeviceKind, 1, ts, ts, it.EnergyWh, it.EnergyWh, it.BurnSeconds, it.BurnSeconds, it.BackhaulUp == true ? 1 : 0, it.PortalOk == true ? 1 : 0, it.Clients, it.UniqueClients)
            : new(City, Kind, Messages + 1, Math.Min(FirstTs, ts), Math.Max(LastTs, ts), Min(EnergyMin, it.EnergyWh), Max(EnergyMax, it.EnergyWh),
                Min(BurnMin, it.BurnSeconds), Max(BurnMax, it.BurnSeconds), BackhaulUp + (it.BackhaulUp == true ? 1 : 0), PortalOk + (it.PortalOk == true ? 1 : 0),
                Max(MaxClients, it.Clients), Max(MaxUnique, it.UniqueClients));
    }

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}

/// <summary>One device-day of the daily roll-up.</summary>
internal sealed record DailyRollup(string Device, string Date, string City, string Kind, long Messages, DateTimeOffset FirstTs, DateTimeOffset LastTs,
    double? EnergyMinWh, double? EnergyMaxWh, long? BurnMinS, long? BurnMaxS, long BackhaulUp, long PortalOk, long? MaxClients, long? MaxUnique)
{
    /// <summary>Energy between the first and last register of the day (the engines also count the step from the previous day).</summary>
    public double? EnergyWithinDayWh => EnergyMaxWh - EnergyMinWh;
}

internal enum StoreOutcome
{
    Stored,
    Duplicate,
    DeadLettered,
}

/// <summary>A stored sequenced message as read back for the engines and the API.</summary>
internal readonly record struct StoredMessage(string Device, string City, string Kind, long Seq, DateTimeOffset Ts, DateTimeOffset ReceivedAt, string Payload);

internal sealed record StoredStatus(string Device, string City, string Kind, string State, DateTimeOffset? Ts, DateTimeOffset ReceivedAt, string Payload);

internal sealed record CommandRow(string Id, string Device, string City, string Type, string Body, DateTimeOffset SentAt, string SentBy, string? Result, string? Detail, DateTimeOffset? AckAt);

internal sealed record ReportRow(string Id, string Scope, string? City, string Month, DateTimeOffset CreatedAt, bool Compliant, string Digest, bool HasPdf);

internal sealed record DeadLetterRow(long Id, DateTimeOffset ReceivedAt, string? Client, string Topic, string Reason, string Detail);

/// <summary>
/// The embedded SQLite store (WAL, synchronous FULL so an acknowledged message survives power loss). One writer
/// connection serialised by a lock; each read opens a pooled connection of its own, so the API never waits for
/// the ingestor.
/// </summary>
internal sealed class SqliteStore : IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private SqliteStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, Cache = SqliteCacheMode.Private }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Exec(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;");
        Migrate();
    }

    public string Path { get; }

    public int SchemaVersion { get; private set; }

    /// <summary>Opens (creating if needed) <c>cidades.db</c> in <paramref name="directory"/> and applies pending migrations.</summary>
    public static SqliteStore Open(string directory)
    {
        Directory.CreateDirectory(directory);
        return new SqliteStore(System.IO.Path.Combine(directory, "cidades.db"));
    }

    private void Migrate()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version > Schema.Migrations.Length)
        {
            throw new InvalidOperationException($"The database {Path} has schema version {version}, newer than this program knows ({Schema.Migrations.Length}). Run the newer program or restore a backup.");
        }
        for (var i = version; i < Schema.Migrations.Length; i++)
        {
            using var tx = _writer.BeginTransaction();
            using var m = _writer.CreateCommand();
            m.Transaction = tx;
            m.CommandText = Schema.Migrations[i] + $"\nPRAGMA user_version = {i + 1};";
            m.ExecuteNonQuery();
            tx.Commit();
        }
        SchemaVersion = Schema.Migrations.Length;
    }

    /// <summary>Stores a batch in one transaction. Duplicates (same device, stream, seq) are reported, not stored again.</summary>
    public async Task<IReadOnlyList<StoreOutcome>> StoreBatchAsync(IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var results = new StoreOutcome[items.Count];
            using var tx = _writer.BeginTransaction();
            using var msg = _writer.CreateCommand();
            msg.Transaction = tx;
            msg.CommandText = "INSERT OR IGNORE INTO messages (device, stream, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES ($d, $s, $q, $c, $k, $t, $r, $p, $e, $b)";
            var md = msg.Parameters.Add("$d", SqliteType.Text);
            var ms = msg.Parameters.Add("$s", SqliteType.Text);
            var mq = msg.Parameters.Add("$q", SqliteType.Integer);
            var mc = msg.Parameters.Add("$c", SqliteType.Text);
            var mk = msg.Parameters.Add("$k", SqliteType.Text);
            var mt = msg.Parameters.Add("$t", SqliteType.Integer);
            var mr = msg.Parameters.Add("$r", SqliteType.Integer);
            var mp = msg.Parameters.Add("$p", SqliteType.Text);
            var me = msg.Parameters.Add("$e", SqliteType.Real);
            var mb = msg.Parameters.Add("$b", SqliteType.Integer);
            msg.Prepare();
            SqliteCommand? status = null, dead = null, ack = null, rollup = null;
            var rollups = new Dictionary<(string Device, string Date), RollupDelta>();
            for (var i = 0; i < items.Count; i++)
            {
                var it = items[i];
                switch (it.Kind)
                {
                    case IngestItemKind.Message:
                        md.Value = it.Device;
                        ms.Value = it.Stream;
                        mq.Value = it.Seq;
                        mc.Value = it.City;
                        mk.Value = it.DeviceKind;
                        mt.Value = it.Ts.ToUnixTimeMilliseconds();
                        mr.Value = it.ReceivedAt.ToUnixTimeMilliseconds();
                        mp.Value = it.Payload;
                        me.Value = it.EnergyWh is { } e ? e : DBNull.Value;
                        mb.Value = it.BurnSeconds is { } b ? b : DBNull.Value;
                        var inserted = msg.ExecuteNonQuery() == 1;
                        results[i] = inserted ? StoreOutcome.Stored : StoreOutcome.Duplicate;
                        if (inserted && it.Stream == "telemetry" && it.LocalDate is not null)
                        {
                            // aggregated per device-day over the batch, written once per group below
                            var key = (it.Device, it.LocalDate);
                            rollups.TryGetValue(key, out var agg);
                            rollups[key] = agg.Add(it);
                        }
                        if (inserted && it.AckId is not null)
                        {
                            ack ??= Command(tx, "UPDATE commands SET result = $res, detail = $det, ack_at = $at WHERE id = $id AND device = $dev AND ack_at IS NULL");
                            Bind(ack, ("$res", it.AckResult), ("$det", it.AckDetail), ("$at", it.ReceivedAt.ToUnixTimeMilliseconds()), ("$id", it.AckId), ("$dev", it.Device));
                            ack.ExecuteNonQuery();
                        }
                        break;
                    case IngestItemKind.Status:
                        status ??= Command(tx, "INSERT INTO status_log (device, city, kind, state, ts, received_at, payload) VALUES ($d, $c, $k, $st, $t, $r, $p)");
                        Bind(status, ("$d", it.Device), ("$c", it.City), ("$k", it.DeviceKind), ("$st", it.State ?? "unknown"),
                            ("$t", it.Ts == default ? null : it.Ts.ToUnixTimeMilliseconds()), ("$r", it.ReceivedAt.ToUnixTimeMilliseconds()), ("$p", it.Payload));
                        status.ExecuteNonQuery();
                        results[i] = StoreOutcome.Stored;
                        break;
                    default:
                        dead ??= Command(tx, "INSERT INTO dead_letters (received_at, client, topic, reason, detail, payload) VALUES ($r, $cl, $tp, $re, $de, $p)");
                        Bind(dead, ("$r", it.ReceivedAt.ToUnixTimeMilliseconds()), ("$cl", it.Client), ("$tp", it.Topic ?? ""), ("$re", it.Reason ?? "unknown"),
                            ("$de", it.Detail ?? ""), ("$p", it.RawPayload));
                        dead.ExecuteNonQuery();
                        results[i] = StoreOutcome.DeadLettered;
                        break;
                }
            }
            foreach (var ((device, date), d) in rollups)
            {
                rollup ??= Command(tx, """
                    INSERT INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s, backhaul_up, portal_ok, max_clients, max_unique)
                    VALUES ($d, $date, $c, $k, $n, $t0, $t1, $e0, $e1, $b0, $b1, $up, $ok, $cl, $un)
                    ON CONFLICT (device, date) DO UPDATE SET
                        messages = messages + excluded.messages,
                        first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),
                        energy_min_wh = min(coalesce(energy_min_wh, excluded.energy_min_wh), coalesce(excluded.energy_min_wh, energy_min_wh)),
                        energy_max_wh = max(coalesce(energy_max_wh, excluded.energy_max_wh), coalesce(excluded.energy_max_wh, energy_max_wh)),
                        burn_min_s = min(coalesce(burn_min_s, excluded.burn_min_s), coalesce(excluded.burn_min_s, burn_min_s)),
                        burn_max_s = max(coalesce(burn_max_s, excluded.burn_max_s), coalesce(excluded.burn_max_s, burn_max_s)),
                        backhaul_up = backhaul_up + excluded.backhaul_up, portal_ok = portal_ok + excluded.portal_ok,
                        max_clients = max(coalesce(max_clients, excluded.max_clients), coalesce(excluded.max_clients, max_clients)),
                        max_unique = max(coalesce(max_unique, excluded.max_unique), coalesce(excluded.max_unique, max_unique))
                    """);
                Bind(rollup, ("$d", device), ("$date", date), ("$c", d.City), ("$k", d.Kind), ("$n", d.Messages), ("$t0", d.FirstTs), ("$t1", d.LastTs),
                    ("$e0", d.EnergyMin), ("$e1", d.EnergyMax), ("$b0", d.BurnMin), ("$b1", d.BurnMax), ("$up", d.BackhaulUp), ("$ok", d.PortalOk),
                    ("$cl", d.MaxClients), ("$un", d.MaxUnique));
                rollup.ExecuteNonQuery();
            }
            tx.Commit();
            status?.Dispose();
            dead?.Dispose();
            ack?.Dispose();
            rollup?.Dispose();
            return results;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var c = _writer.CreateCommand();
        c.Transaction = tx;
        c.CommandText = sql;
        return c;
    }

    private static void Bind(SqliteCommand cmd, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            if (cmd.Parameters.Contains(name))
            {
                cmd.Parameters[name].Value = value ?? DBNull.Value;
            }
            else
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
    }

    /// <summary>Runs a small write (command, registry, audit, report) outside the ingest batches.</summary>
    public async Task WriteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] values)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = sql;
            Bind(cmd, values);
            cmd.ExecuteNonQuery();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    /// <summary>Reads rows with <paramref name="map"/>; a fresh pooled connection per call.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] values)
    {
        using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        Bind(cmd, values);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(map(r));
        }
        return list;
    }

    public long Scalar(string sql, params (string Name, object? Value)[] values)
    {
        using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        Bind(cmd, values);
        return cmd.ExecuteScalar() is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;
    }

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

    /// <summary>Number of stored messages (a cheap change marker for caches).</summary>
    public long MessageCount(string city) => Scalar("SELECT count(*) FROM messages WHERE city = $c", ("$c", city));

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

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _writeLock.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
