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
    internal int SeqCacheLimit { get; set; } = 200_000;

    private const int TelemetryColumns = 9;

    // OR FAIL, not the default ABORT: an ABORT statement that writes many rows inside a transaction keeps a statement
    // journal (a temp file of the pages it changes) so it can undo just itself, which tripled the bytes written per
    // message. Nothing here needs that: any failing row fails the whole batch, whose transaction is rolled back.
    private const string InsertTelemetrySql = "INSERT OR FAIL INTO telemetry (device, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES ";
    private const string InsertMessageSql = "INSERT OR IGNORE INTO messages (device, stream, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

    private const int SeqSetColumns = 5;

    // OR FAIL: see InsertTelemetrySql and RollupInsertSql
    private const string WriteSeqSetSql = "INSERT OR FAIL INTO seq_sets (device, stream, ranges, last_id, date) VALUES ";

    private const string WriteSeqSetConflictSql = " ON CONFLICT (device, stream) DO UPDATE SET ranges = excluded.ranges, last_id = excluded.last_id, date = excluded.date";

    private ChunkedWrite<IngestItem>? _insertTelemetry;
    private ChunkedWrite<(string Device, DeviceSeqs Seqs)>? _writeSeqSets;
    private PreparedStatement? _insertMessage;
    private PreparedStatement? _readSeqSet;
    private PreparedStatement? _dataVersion;

    // Seq sets as committed, by device. Valid only while no other connection has written the store (PRAGMA data_version
    // unchanged): two cloud instances may share one store file, and the other's commits must be seen.
    private readonly Dictionary<string, DeviceSeqs> _seqCache = new(StringComparer.Ordinal);
    // Changed: a seq was added; Written: the device's seq_sets row is written (its ranges changed shape, or a seq landed
    // on another local date than the row's)
    private readonly Dictionary<string, (DeviceSeqs Seqs, bool Changed, bool Written)> _batchSeqSets = new(StringComparer.Ordinal);

    /// <summary>
    /// A device's stored telemetry seqs: <paramref name="Set"/>, the bound <paramref name="LastId"/> of its newest row's
    /// id, and <paramref name="Date"/>, the one local date whose roll-up may hold seqs the stored ranges do not show
    /// (null: they show them all). A seq that only grows the last range by one, on that date, does not rewrite the
    /// <c>seq_sets</c> row: the roll-up of (device, date), written in the same transaction, carries it (migration 10).
    /// </summary>
    private record struct DeviceSeqs(SeqSet Set, long LastId, string? Date);
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
                entry = (LoadSeqSet(it.Device), false, false);
            }
            if (!entry.Seqs.Set.TryExtendLast(it.Seq))
            {
                if (!entry.Seqs.Set.Add(it.Seq))
                {
                    results[i] = StoreOutcome.Duplicate;
                    continue;
                }
                entry.Written = true;
            }
            // the roll-up that carries the seq is this message's day: the row is written whenever that is not the row's
            // date (once a day per device; and for a clock stepping back), and its date becomes this one. A message
            // without a local date has no roll-up: its set is written whole, with no date
            if (it.LocalDate != entry.Seqs.Date || it.LocalDate is null)
            {
                entry.Written = true;
                entry.Seqs.Date = it.LocalDate;
            }
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
        // the sets that changed shape (a gap, a late seq, a new device) or day: with a fleet reporting every 15 minutes,
        // about one in a hundred. A set whose last range only grew on its row's date is completed by that day's
        // roll-up, written below in this transaction (LoadSeqSet)
        _writeSeqSets ??= new ChunkedWrite<(string, DeviceSeqs)>(_writer, WriteSeqSetSql, SeqSetColumns, WriteSeqSetConflictSql, BindSeqSet);
        _writeSeqSets.Begin();
        foreach (var (device, (seqs, _, written)) in sets)
        {
            if (written)
            {
                _writeSeqSets.Add((device, seqs with { LastId = lastInserted }));
            }
        }
        _writeSeqSets.Flush();
        return lastInserted;
    }

    /// <summary>
    /// A device's seqs as committed (from the cache, or the tables), as a copy this batch may change: the stored ranges,
    /// the last one reaching up to the highest seq of the roll-up of the row's date (see <see cref="DeviceSeqs"/>).
    /// </summary>
    private DeviceSeqs LoadSeqSet(string device)
    {
        if (_seqCache.TryGetValue(device, out var cached))
        {
            return cached with { Set = cached.Set.Clone() };
        }
        _readSeqSet ??= new PreparedStatement(_writer, SeqSetSql);
        if (!_readSeqSet.Text(1, device).TryReadRow(ReadDeviceSeqs, out var row))
        {
            return new DeviceSeqs(new SeqSet(), 0, null);
        }
        // the seqs of the row's date stored since the last fold are in the pending roll-up, not yet in the table's
        // (a seq on any other date rewrote the row; SyncWithOtherWriters folded any other connection's rows)
        if (row.Date is { } date && _pendingRollups.TryGetValue((device, date), out var pending))
        {
            row = new DeviceSeqs(row.Set.ExtendLastTo(pending.MaxSeq), Math.Max(row.LastId, pending.LastId), date);
        }
        return row;
    }

    /// <summary>
    /// A device's stored telemetry seqs (?1): ranges, id bound and date of its <c>seq_sets</c> row, and the highest seq
    /// and id bound of its roll-up of that date (two primary-key lookups); read by <see cref="ReadDeviceSeqs"/>.
    /// </summary>
    private const string SeqSetSql = """
        SELECT s.ranges, s.last_id, s.date, r.max_seq, r.last_id
        FROM seq_sets s LEFT JOIN daily_rollups r ON r.device = s.device AND r.date = s.date
        WHERE s.device = ?1 AND s.stream = 'telemetry'
        """;

    /// <summary>A row of <see cref="SeqSetSql"/>: the stored ranges completed with the roll-up, the larger id bound.</summary>
    private static DeviceSeqs ReadDeviceSeqs(PreparedStatement s) =>
        new(SeqSet.Parse(s.TextAt(0)!).ExtendLastTo(s.NullableInt64At(3)), Math.Max(s.Int64At(1), s.NullableInt64At(4) ?? 0), s.TextAt(2));

    /// <summary>
    /// At the start of a write transaction: drops the seq cache if another connection has committed since, and marks the
    /// pending roll-ups as no longer all the rows above the watermark (the other's rows, or its fold, are in the table).
    /// </summary>
    private void CheckSeqCache()
    {
        var version = ReadDataVersion();
        if (version != _seqCacheDataVersion)
        {
            if (_seqCacheDataVersion != -1 && _seqCache.Count > 0)
            {
                SeqCacheInvalidations++;
            }
            _seqCache.Clear();
            _seqCacheDataVersion = version;
            _pendingValid = false;
        }
    }

    /// <summary>The writer's <c>PRAGMA data_version</c>: it changes when another connection commits.</summary>
    private long ReadDataVersion()
    {
        _dataVersion ??= new PreparedStatement(_writer, "PRAGMA data_version");
        _dataVersion.TryReadRow(static s => s.Int64At(0), out var version);
        return version;
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
        foreach (var (device, (seqs, changed, _)) in _batchSeqSets)
        {
            _seqCache[device] = changed ? seqs with { LastId = last } : seqs;
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

    private static void BindSeqSet(PreparedStatement s, int at, (string Device, DeviceSeqs Seqs) row)
    {
        // nearly always one or two ranges: formatted on the stack, no string per device and batch
        var set = row.Seqs.Set;
        var size = set.MaxUtf8Length;
        Span<byte> text = size <= 256 ? stackalloc byte[256] : new byte[size];
        set.TryFormatUtf8(text, out var length);
        s.Text(at + 1, row.Device).Text(at + 2, "telemetry").Utf8(at + 3, text[..length]).Int64(at + 4, row.Seqs.LastId).Text(at + 5, row.Seqs.Date);
    }

    private static void BindTelemetry(PreparedStatement s, int at, IngestItem it) =>
        s.Text(at + 1, it.Device).Int64(at + 2, it.Seq).Text(at + 3, it.City).Text(at + 4, it.DeviceKind)
            .Int64(at + 5, it.Ts.ToUnixTimeMilliseconds()).Int64(at + 6, it.ReceivedAt.ToUnixTimeMilliseconds()).Utf8(at + 7, it.Payload)
            .Double(at + 8, it.EnergyWh).Int64(at + 9, it.BurnSeconds);
}
