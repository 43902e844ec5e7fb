using SQLitePCL;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The sequenced messages of an ingest batch. Telemetry (nearly every message) goes to the arrival-ordered
/// <c>telemetry</c> table: whether a seq is new is decided from the device's <see cref="SeqSet"/> (table
/// <c>seq_sets</c>, read and written in the same transaction), so the rows are appended <see cref="RowsPerInsert"/>
/// per statement without a uniqueness probe, and a batch needs no second pass when it holds a duplicate. Events and
/// acks (rare) stay in <c>messages</c>, whose primary key (device, stream, seq) rejects a duplicate row by row.
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>Rows per multi-row INSERT (measured: docs/performance.md, "ingestor CPU").</summary>
    internal const int RowsPerInsert = 32;

    /// <summary>Devices whose seq set is kept in memory between batches; beyond this the cache starts again empty.</summary>
    internal const int SeqCacheLimit = 200_000;

    private const int TelemetryColumns = 9;

    // OR FAIL, not the default ABORT: an ABORT statement that writes many rows inside a transaction keeps a statement
    // journal (a temp file of the pages it changes) so it can undo just itself, which tripled the bytes written per
    // message. Nothing here needs that: any failing row fails the whole batch, whose transaction is rolled back.
    private const string InsertTelemetrySql = "INSERT OR FAIL INTO telemetry (device, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES ";
    private const string InsertMessageSql = "INSERT OR IGNORE INTO messages (device, stream, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

    private const int SeqSetColumns = 4;

    // OR FAIL: see InsertTelemetrySql and RollupInsertSql
    private const string WriteSeqSetSql = "INSERT OR FAIL INTO seq_sets (device, stream, ranges, last_id) VALUES ";

    private const string WriteSeqSetConflictSql = " ON CONFLICT (device, stream) DO UPDATE SET ranges = excluded.ranges, last_id = excluded.last_id";

    private ChunkedWrite<IngestItem>? _insertTelemetry;
    private ChunkedWrite<(string Device, SeqSet Set, long LastId)>? _writeSeqSets;
    private PreparedStatement? _insertMessage;
    private PreparedStatement? _readSeqSet;
    private PreparedStatement? _dataVersion;

    // Seq sets as committed, by device. Valid only while no other connection has written the store (PRAGMA data_version
    // unchanged): two cloud instances may share one store file, and the other's commits must be seen.
    private readonly Dictionary<string, (SeqSet Set, long LastId)> _seqCache = new(StringComparer.Ordinal);
    // Changed: a seq was added; Reshaped: not only by growing the last range by the next seq (then seq_sets is written)
    private readonly Dictionary<string, (SeqSet Set, long LastId, bool Changed, bool Reshaped)> _batchSeqSets = new(StringComparer.Ordinal);
    private long _seqCacheDataVersion = -1;

    /// <summary>How many times the seq cache was dropped because another connection had committed (for tests).</summary>
    internal long SeqCacheInvalidations { get; private set; }

    /// <summary>
    /// Stores the new telemetry of <paramref name="items"/> and marks each telemetry item Stored or Duplicate. The
    /// devices' seq sets as this transaction leaves them stay in <see cref="_batchSeqSets"/>, to become the cache once
    /// it has committed. Returns the id of the batch's last stored row, or null if the batch held no telemetry.
    /// </summary>
    private long? StoreTelemetry(IReadOnlyList<IngestItem> items, StoreOutcome[] results)
    {
        // reused (cleared, keeping its capacity): with a fleet it holds thousands of devices
        var sets = _batchSeqSets;
        sets.Clear();
        _batchWifi.Clear();
        var storedRows = 0;
        _insertTelemetry ??= new ChunkedWrite<IngestItem>(_writer, InsertTelemetrySql, TelemetryColumns, "", BindTelemetry);
        _insertTelemetry.Begin();
        for (var i = 0; i < items.Count; i++)
        {
            var it = items[i];
            if (it.Kind != IngestItemKind.Message || it.Stream != "telemetry")
            {
                continue;
            }
            ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sets, it.Device, out var known);
            if (!known)
            {
                var (set, lastId) = LoadSeqSet(it.Device);
                entry = (set, lastId, false, false);
            }
            if (!entry.Set.TryExtendLast(it.Seq))
            {
                if (!entry.Set.Add(it.Seq))
                {
                    results[i] = StoreOutcome.Duplicate;
                    continue;
                }
                entry.Reshaped = true;
            }
            // a message without a local date has no roll-up to carry its seq: its set is written whole
            entry.Reshaped |= it.LocalDate is null;
            entry.Changed = true;
            results[i] = StoreOutcome.Stored;
            _insertTelemetry.Add(it);
            if (it.DeviceKind == "hotspot")
            {
                _batchWifi.Add((it, storedRows));
            }
            storedRows++;
        }
        if (sets.Count == 0)
        {
            return null;
        }
        _insertTelemetry.Flush();
        // every row of a device stored in this batch has an id at or below the batch's last one
        var lastInserted = _insertTelemetry.LastInsertRowId;
        WriteWifiSamples(storedRows, lastInserted);
        // the sets that changed shape (a gap, a late seq, a new device): rare. A set whose last range only grew is
        // complete with its roll-ups' highest seq, written below in this transaction (LoadSeqSet)
        _writeSeqSets ??= new ChunkedWrite<(string, SeqSet, long)>(_writer, WriteSeqSetSql, SeqSetColumns, WriteSeqSetConflictSql, BindSeqSet);
        _writeSeqSets.Begin();
        foreach (var (device, (set, _, _, reshaped)) in sets)
        {
            if (reshaped)
            {
                _writeSeqSets.Add((device, set, lastInserted));
            }
        }
        _writeSeqSets.Flush();
        return lastInserted;
    }

    /// <summary>
    /// A device's seq set as committed (from the cache, or the tables), as a copy this batch may change: the stored
    /// ranges, the last one reaching up to the highest seq of the device's roll-ups (see <see cref="SeqSet.TryExtendLast"/>).
    /// </summary>
    private (SeqSet Set, long LastId) LoadSeqSet(string device)
    {
        if (_seqCache.TryGetValue(device, out var cached))
        {
            return (cached.Set.Clone(), cached.LastId);
        }
        _readSeqSet ??= new PreparedStatement(_writer, SeqSetSql);
        _readSeqSet.Text(1, device);
        return _readSeqSet.TryReadRow(static s => (raw.sqlite3_column_text(s, 0).utf8_to_string(), raw.sqlite3_column_int64(s, 1),
                raw.sqlite3_column_type(s, 2) == raw.SQLITE_NULL ? (long?)null : raw.sqlite3_column_int64(s, 2),
                raw.sqlite3_column_type(s, 3) == raw.SQLITE_NULL ? (long?)null : raw.sqlite3_column_int64(s, 3)), out var row)
            ? (SeqSet.Parse(row.Item1).ExtendLastTo(row.Item3), Math.Max(row.Item2, row.Item4 ?? 0))
            : (new SeqSet(), 0);
    }

    /// <summary>A device's stored telemetry seqs (?1): ranges, last id bound, and its roll-ups' highest seq and id bound.</summary>
    internal const string SeqSetSql = """
        SELECT ranges, last_id, (SELECT max(max_seq) FROM daily_rollups WHERE device = ?1), (SELECT max(last_id) FROM daily_rollups WHERE device = ?1)
        FROM seq_sets WHERE device = ?1 AND stream = 'telemetry'
        """;

    /// <summary>At the start of a write transaction: drops the seq cache if another connection has committed since.</summary>
    private void CheckSeqCache()
    {
        _dataVersion ??= new PreparedStatement(_writer, "PRAGMA data_version");
        _dataVersion.TryReadRow(static s => raw.sqlite3_column_int64(s, 0), out var version);
        if (version != _seqCacheDataVersion)
        {
            if (_seqCacheDataVersion != -1 && _seqCache.Count > 0)
            {
                SeqCacheInvalidations++;
            }
            _seqCache.Clear();
            _seqCacheDataVersion = version;
        }
    }

    /// <summary>After a commit: the batch's seq sets become the cache, the changed ones with the batch's last row id.</summary>
    private void CacheSeqSets(long? lastInserted)
    {
        if (lastInserted is not { } last)
        {
            return;
        }
        if (_seqCache.Count + _batchSeqSets.Count > SeqCacheLimit)
        {
            _seqCache.Clear();
        }
        foreach (var (device, (set, lastId, changed, _)) in _batchSeqSets)
        {
            _seqCache[device] = (set, changed ? last : lastId);
        }
    }

    /// <summary>Events and acks, one row each: the primary key says whether it was new.</summary>
    private void StoreOtherMessages(IReadOnlyList<IngestItem> items, StoreOutcome[] results)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var it = items[i];
            if (it.Kind != IngestItemKind.Message || it.Stream == "telemetry")
            {
                continue;
            }
            _insertMessage ??= new PreparedStatement(_writer, InsertMessageSql);
            _insertMessage.Text(1, it.Device).Text(2, it.Stream).Int64(3, it.Seq).Text(4, it.City).Text(5, it.DeviceKind)
                .Int64(6, it.Ts.ToUnixTimeMilliseconds()).Int64(7, it.ReceivedAt.ToUnixTimeMilliseconds()).Utf8(8, it.Payload)
                .Double(9, it.EnergyWh).Int64(10, it.BurnSeconds);
            results[i] = _insertMessage.Execute() == 1 ? StoreOutcome.Stored : StoreOutcome.Duplicate;
        }
    }

    private static void BindSeqSet(PreparedStatement s, int at, (string Device, SeqSet Set, long LastId) row)
    {
        // nearly always one or two ranges: formatted on the stack, no string per device and batch
        var size = row.Set.MaxUtf8Length;
        Span<byte> text = size <= 256 ? stackalloc byte[256] : new byte[size];
        row.Set.TryFormatUtf8(text, out var length);
        s.Text(at + 1, row.Device).Text(at + 2, "telemetry").Utf8(at + 3, text[..length]).Int64(at + 4, row.LastId);
    }

    private static void BindTelemetry(PreparedStatement s, int at, IngestItem it) =>
        s.Text(at + 1, it.Device).Int64(at + 2, it.Seq).Text(at + 3, it.City).Text(at + 4, it.DeviceKind)
            .Int64(at + 5, it.Ts.ToUnixTimeMilliseconds()).Int64(at + 6, it.ReceivedAt.ToUnixTimeMilliseconds()).Utf8(at + 7, it.Payload)
            .Double(at + 8, it.EnergyWh).Int64(at + 9, it.BurnSeconds);
}
