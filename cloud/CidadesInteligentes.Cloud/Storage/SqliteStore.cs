using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The embedded SQLite store (WAL, synchronous FULL so an acknowledged message survives power loss). One writer
/// connection serialised by a lock; each read opens a pooled connection of its own, so the API never waits for
/// the ingestor.
/// </summary>
internal sealed partial class SqliteStore : IDisposable
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
