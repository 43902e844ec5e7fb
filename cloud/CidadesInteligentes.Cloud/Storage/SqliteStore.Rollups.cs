using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The daily roll-ups, folded from the stored telemetry every <see cref="RollupFoldInterval"/> instead of upserted in
/// every commit (schema migration 11). Each batch's telemetry is aggregated per (device, local date) in memory and added
/// to the roll-ups this instance has stored since the last fold; a fold writes them all, sorted by key, in the
/// transaction of an ingest batch (pages then filled densely, each written once per fold) and moves the watermark
/// <c>rollup_fold.up_to_id</c> to the newest telemetry row. The telemetry rows are the record: the rows above the
/// watermark are read back from the table and folded when the store opens (after a crash), when another connection has
/// committed (two instances sharing one store), and when a fold's transaction failed. Every read of the roll-ups folds
/// first (<see cref="FoldRollups"/>), so a reader sees every committed message, as before.
/// </summary>
internal sealed partial class SqliteStore
{
    private ChunkedWrite<KeyValuePair<(string Device, string Date), RollupDelta>>? _upsertRollups;

    // (device, local date) → the batch's aggregate; reused from batch to batch (under the write lock)
    private readonly Dictionary<(string Device, string Date), RollupDelta> _batchRollups = [];

    // (device, local date) → the aggregate of this writer's telemetry rows above the watermark, all of its rows there while
    // _pendingValid (no other connection has committed since this writer last looked, and the last fold did not fail)
    private readonly Dictionary<(string Device, string Date), RollupDelta> _pendingRollups = [];
    private bool _pendingValid;
    private long _pendingSince;

    // a fold's rows, sorted by key (reused)
    private readonly List<KeyValuePair<(string Device, string Date), RollupDelta>> _foldRows = [];

    /// <summary>
    /// How long the roll-ups of stored telemetry may wait in memory before they are folded (zero: every batch). Reads
    /// fold first, so this only sets how many rows a fold writes at once: in the field a luminaire reports every 15
    /// minutes, so a fold holds about one message per device, and the longer the interval, the more rows of one page
    /// it writes together (docs/performance.md, "Roll-ups folded in memory").
    /// </summary>
    internal TimeSpan RollupFoldInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Device-days held in memory at most (about 250 bytes each, the dictionary kept allocated between folds); a batch that would pass it folds.</summary>
    internal int RollupPendingLimit { get; set; } = 100_000;

    /// <summary>
    /// Messages counted in the pending roll-ups at most; a batch that would pass it folds. It bounds what a start after a
    /// crash reads back (about 1 µs a row: 1.1 s for 1,000,000) when a flood sends many messages per device-day.
    /// </summary>
    internal long RollupPendingMessagesLimit { get; set; } = 1_000_000;

    private long _pendingMessages;
    private long _batchMessages;

    /// <summary>Folds written from memory, and folds that read the rows above the watermark back from the table (for tests and the bench).</summary>
    internal long RollupFolds { get; private set; }

    internal long RollupTableFolds { get; private set; }

    /// <summary>Device-days waiting in memory for the next fold (for tests).</summary>
    internal int PendingRollups => _pendingRollups.Count;

    private const int RollupColumns = 18;

    // OR FAIL as at InsertTelemetrySql; a multi-row upsert still keeps a statement journal (its DO UPDATE may abort),
    // held in memory (temp_store, set when the store opens).
    private const string RollupInsertSql =
        "INSERT OR FAIL INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s, backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq, last_id) VALUES ";

    private const string RollupConflictSql = """

        ON CONFLICT (device, date) DO UPDATE SET
            messages = messages + excluded.messages,
            first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),
            energy_min_wh = min(coalesce(energy_min_wh, excluded.energy_min_wh), coalesce(excluded.energy_min_wh, energy_min_wh)),
            energy_max_wh = max(coalesce(energy_max_wh, excluded.energy_max_wh), coalesce(excluded.energy_max_wh, energy_max_wh)),
            burn_min_s = min(coalesce(burn_min_s, excluded.burn_min_s), coalesce(excluded.burn_min_s, burn_min_s)),
            burn_max_s = max(coalesce(burn_max_s, excluded.burn_max_s), coalesce(excluded.burn_max_s, burn_max_s)),
            backhaul_up = backhaul_up + excluded.backhaul_up, portal_ok = portal_ok + excluded.portal_ok,
            max_clients = max(coalesce(max_clients, excluded.max_clients), coalesce(excluded.max_clients, max_clients)),
            max_unique = max(coalesce(max_unique, excluded.max_unique), coalesce(excluded.max_unique, max_unique)),
            min_seq = min(coalesce(min_seq, excluded.min_seq), excluded.min_seq), max_seq = max(coalesce(max_seq, excluded.max_seq), excluded.max_seq),
            last_id = max(coalesce(last_id, excluded.last_id), excluded.last_id)
        """;

    private static void BindRollup(PreparedStatement s, int at, KeyValuePair<(string Device, string Date), RollupDelta> group)
    {
        var ((device, date), d) = group;
        s.Text(at + 1, device).Text(at + 2, date).Text(at + 3, d.City).Text(at + 4, d.Kind).Int64(at + 5, d.Messages).Int64(at + 6, d.FirstTs).Int64(at + 7, d.LastTs)
            .Double(at + 8, d.EnergyMin).Double(at + 9, d.EnergyMax).Int64(at + 10, d.BurnMin).Int64(at + 11, d.BurnMax).Int64(at + 12, d.BackhaulUp).Int64(at + 13, d.PortalOk)
            .Int64(at + 14, d.MaxClients).Int64(at + 15, d.MaxUnique).Int64(at + 16, d.MinSeq).Int64(at + 17, d.MaxSeq).Int64(at + 18, d.LastId);
    }

    /// <summary>
    /// Whether the batch's roll-ups (<see cref="_batchRollups"/>) are folded in its transaction with the pending ones:
    /// when the oldest pending ones are <see cref="RollupFoldInterval"/> old, when memory would pass
    /// <see cref="RollupPendingLimit"/> or <see cref="RollupPendingMessagesLimit"/>, or when this transaction has just
    /// read the rows above the watermark back.
    /// </summary>
    private bool FoldDue(bool foldedFromTable)
    {
        if (foldedFromTable)
        {
            return true;
        }
        if (_pendingRollups.Count == 0 && _batchRollups.Count == 0)
        {
            return false;
        }
        return RollupFoldInterval <= TimeSpan.Zero
            || _pendingRollups.Count + _batchRollups.Count > RollupPendingLimit
            || _pendingMessages + _batchMessages > RollupPendingMessagesLimit
            || (_pendingRollups.Count > 0 && Environment.TickCount64 - _pendingSince >= (long)RollupFoldInterval.TotalMilliseconds);
    }

    /// <summary>
    /// Writes the pending roll-ups and <paramref name="batch"/>'s (inside the current write transaction), sorted by key,
    /// and moves the watermark to the newest telemetry row. Memory changes only after the commit (<see cref="AfterFold"/>):
    /// a transaction that fails leaves the pending roll-ups as they were.
    /// </summary>
    private void WriteFold(Dictionary<(string Device, string Date), RollupDelta>? batch)
    {
        var rows = _foldRows;
        rows.Clear();
        rows.AddRange(_pendingRollups);
        if (batch is not null)
        {
            rows.AddRange(batch);
        }
        WriteRollupRows(rows);
        MoveWatermark();
    }

    /// <summary>After a fold: every telemetry row there is (this transaction's included) is in the roll-ups.</summary>
    private void MoveWatermark()
    {
        using var mark = new PreparedStatement(_writer, "UPDATE rollup_fold SET up_to_id = (SELECT coalesce(max(id), 0) FROM telemetry) WHERE id = 1");
        mark.Execute();
    }

    /// <summary>Upserts <paramref name="rows"/> in key order, a key's rows merged into one.</summary>
    private void WriteRollupRows(List<KeyValuePair<(string Device, string Date), RollupDelta>> rows)
    {
        rows.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Key.Device, b.Key.Device);
            return c != 0 ? c : string.CompareOrdinal(a.Key.Date, b.Key.Date);
        });
        _upsertRollups ??= new ChunkedWrite<KeyValuePair<(string Device, string Date), RollupDelta>>(_writer, RollupInsertSql, RollupColumns, RollupConflictSql, BindRollup);
        _upsertRollups.Begin();
        for (var i = 0; i < rows.Count; i++)
        {
            var (key, value) = rows[i];
            while (i + 1 < rows.Count && rows[i + 1].Key == key)
            {
                value = value.Merge(rows[++i].Value);
            }
            _upsertRollups.Add(new(key, value));
        }
        _upsertRollups.Flush();
        rows.Clear();
    }

    /// <summary>After the commit of a transaction that folded: nothing is pending, and memory again holds every row above the watermark.</summary>
    private void AfterFold(bool fromTable)
    {
        _pendingRollups.Clear();
        _pendingMessages = 0;
        _pendingValid = true;
        if (fromTable)
        {
            RollupTableFolds++;
        }
        else
        {
            RollupFolds++;
        }
    }

    /// <summary>After the commit of a batch that did not fold: its roll-ups join the pending ones.</summary>
    private void KeepPending()
    {
        if (_batchRollups.Count == 0)
        {
            return;
        }
        if (_pendingRollups.Count == 0)
        {
            _pendingSince = Environment.TickCount64;
        }
        _pendingMessages += _batchMessages;
        foreach (var (key, value) in _batchRollups)
        {
            ref var pending = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pendingRollups, key, out _);
            pending = pending.Merge(value);
        }
    }

    /// <summary>
    /// Inside a write transaction: folds every telemetry row above the watermark, read back from the table (the rows of
    /// any connection), and moves the watermark. The pending roll-ups are dropped at once: the table has their rows, and if
    /// this transaction fails <see cref="_pendingValid"/> stays false, so the next one reads them back again.
    /// </summary>
    private void FoldFromTable()
    {
        _pendingRollups.Clear();
        _pendingMessages = 0;
        _pendingValid = false;
        var fold = new Dictionary<(string Device, string Date), RollupDelta>();
        using (var read = new PreparedStatement(_writer, """
            SELECT t.id, t.device, t.seq, t.city, t.kind, t.ts, t.energy_wh, t.burn_s, CASE WHEN t.kind = 'hotspot' THEN t.payload END
            FROM telemetry t WHERE t.id > (SELECT up_to_id FROM rollup_fold WHERE id = 1) ORDER BY t.id
            """))
        {
            while (read.Next())
            {
                var id = read.Int64At(0);
                var ts = read.Int64At(5);
                // the local date as ingest computed it; a hotspot's four roll-up values from its payload, as ingest validated it
                var date = Ingest.Ingestor.LocalDate(DateTimeOffset.FromUnixTimeMilliseconds(ts));
                var hotspot = read.IsNullAt(8) ? null : HotspotOf(read.BytesAt(8));
                ref var agg = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(fold, (read.TextAt(1)!, date), out _);
                agg = agg.Add(read.TextAt(3)!, read.TextAt(4)!, read.Int64At(2), ts, read.NullableDoubleAt(6), read.NullableInt64At(7),
                    hotspot?.BackhaulUp, hotspot?.PortalOk, hotspot?.Clients, hotspot?.UniqueClientsToday) with { LastId = id };
            }
        }
        var rows = _foldRows;
        rows.Clear();
        rows.AddRange(fold);
        WriteRollupRows(rows);
        MoveWatermark();
    }

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

    /// <summary>
    /// Writes the roll-ups still in memory, so that a read of the roll-ups (or of a device's seqs, which they complete)
    /// sees every committed message; reads the rows above the watermark back first if another connection has committed.
    /// Cheap when nothing is pending. Every reader of <c>daily_rollups</c> calls it.
    /// </summary>
    public void FoldRollups()
    {
        _writeLock.Wait();
        try
        {
            if (_pendingValid && _pendingRollups.Count == 0 && ReadDataVersion() == _seqCacheDataVersion)
            {
                return;
            }
            bool fromTable;
            using (var tx = _writer.BeginTransaction())
            {
                fromTable = SyncWithOtherWriters();
                if (!fromTable)
                {
                    WriteFold(null);
                }
                tx.Commit();
            }
            AfterFold(fromTable);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// At the start of a write transaction: drops the seq cache if another connection has committed, and then (or when
    /// the rows above the watermark are not all in memory) folds them from the table. True if it did.
    /// </summary>
    private bool SyncWithOtherWriters()
    {
        CheckSeqCache();
        if (_pendingValid)
        {
            return false;
        }
        FoldFromTable();
        return true;
    }

    /// <summary>
    /// The first and last local dates (yyyy-MM-dd) of any device's roll-up in <paramref name="city"/>, or null if it has
    /// none: two seeks on the city index. The savings engine asks it once per city-month before looking, luminaire by
    /// luminaire, for readings outside the month's read window, which cannot exist outside these dates.
    /// </summary>
    public (string First, string Last)? RollupDateRange(string city)
    {
        FoldRollups();
        var rows = Query("SELECT (SELECT min(date) FROM daily_rollups WHERE city = $c), (SELECT max(date) FROM daily_rollups WHERE city = $c)",
            r => r.IsDBNull(0) ? ((string, string)?)null : (r.GetString(0), r.GetString(1)), ("$c", city));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>How many times a luminaire's reading outside a read window was looked up (for tests).</summary>
    internal long ReadingLookups => Interlocked.Read(ref _readingLookups);

    private long _readingLookups;

    /// <summary>
    /// Finds luminaires' readings outside a read window (the reading before a gap longer than the window, and the one
    /// after it) through their daily roll-ups, for one city: one connection, each statement prepared once for all the
    /// luminaires asked about (a city has thousands).
    /// </summary>
    public ReadingLookup LookupReadings(string city)
    {
        FoldRollups();
        return new(this, OpenReader(), city);
    }

    /// <summary>
    /// See <see cref="LookupReadings"/>. Its statements are bound with SQLite's own calls, as the ingest path's are: a state
    /// overview during a roll-out asks about hundreds of thousands of silent luminaires. Not thread-safe; dispose it when the city is done.
    /// </summary>
    internal sealed class ReadingLookup : IDisposable
    {
        private readonly SqliteStore _store;
        private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;
        private readonly PreparedStatement _lastBefore, _firstFrom, _lastRow, _firstRow;
        private readonly string _city;
        private readonly Microsoft.Data.Sqlite.SqliteTransaction _snapshot;

        internal ReadingLookup(SqliteStore store, Microsoft.Data.Sqlite.SqliteConnection connection, string city)
        {
            _store = store;
            _connection = connection;
            _city = city;
            // one read transaction for all the lookups: a statement outside one takes and releases the WAL's read lock
            // itself (system calls), which was most of each lookup's cost
            _snapshot = connection.BeginTransaction(deferred: true);
            _lastBefore = new(connection, "SELECT last_ts FROM daily_rollups WHERE device = ?1 AND date < ?2 AND energy_max_wh IS NOT NULL ORDER BY date DESC LIMIT 1");
            _firstFrom = new(connection, "SELECT first_ts FROM daily_rollups WHERE device = ?1 AND date >= ?2 AND energy_min_wh IS NOT NULL ORDER BY date LIMIT 1");
            _lastRow = new(connection, RowSql("DESC"));
            _firstRow = new(connection, RowSql("ASC"));
        }

        /// <summary>The luminaire's last reading on a local date before <paramref name="date"/> (yyyy-MM-dd).</summary>
        public Domain.Energy.EnergyReading? Before(string device, string date) => At(_lastBefore, _lastRow, device, date);

        /// <summary>The luminaire's first reading on a local date from <paramref name="date"/> on.</summary>
        public Domain.Energy.EnergyReading? From(string device, string date) => At(_firstFrom, _firstRow, device, date);

        private static string RowSql(string seqOrder) =>
            $"SELECT seq, ts, energy_wh, burn_s FROM telemetry WHERE city = ?1 AND kind = 'luminaire' AND ts = ?2 AND device = ?3 AND energy_wh IS NOT NULL ORDER BY seq {seqOrder} LIMIT 1";

        private Domain.Energy.EnergyReading? At(PreparedStatement rollup, PreparedStatement row, string device, string date)
        {
            Interlocked.Increment(ref _store._readingLookups);
            if (!rollup.Text(1, device).Text(2, date).TryReadRow(static s => s.Int64At(0), out var ts))
            {
                return null;
            }
            return row.Text(1, _city).Int64(2, ts).Text(3, device).TryReadRow(static s => new Domain.Energy.EnergyReading(s.Int64At(0),
                    DateTimeOffset.FromUnixTimeMilliseconds(s.Int64At(1)), s.DoubleAt(2), s.NullableInt64At(3) ?? 0), out var reading)
                ? reading
                : null;
        }

        public void Dispose()
        {
            _lastBefore.Dispose();
            _firstFrom.Dispose();
            _lastRow.Dispose();
            _firstRow.Dispose();
            _snapshot.Dispose();
            _connection.Dispose();
        }
    }
}
