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

    /// <summary>The clock <see cref="RollupFoldInterval"/> is measured on (tests move it by hand).</summary>
    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    private long _pendingMessages;
    private long _batchMessages;

    /// <summary>Folds written from memory, and folds that read the rows above the watermark back from the table (for tests and the bench).</summary>
    internal long RollupFolds { get; private set; }

    internal long RollupTableFolds { get; private set; }

    /// <summary>Device-days waiting in memory for the next fold (for tests).</summary>
    internal int PendingRollups => _pendingRollups.Count;

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
            || (_pendingRollups.Count > 0 && Clock.GetElapsedTime(_pendingSince) >= RollupFoldInterval);
    }

    /// <summary>
    /// Writes <paramref name="rollups"/> and <paramref name="batch"/>'s (inside the current write transaction) in key
    /// order, a key's two aggregates merged into one, and moves the watermark to the newest telemetry row: every row
    /// there is (this transaction's included) is then in the roll-ups. Memory changes only after the commit
    /// (<see cref="AfterFold"/>): a transaction that fails leaves the pending roll-ups as they were.
    /// </summary>
    private void WriteFold(Dictionary<(string Device, string Date), RollupDelta> rollups, Dictionary<(string Device, string Date), RollupDelta>? batch)
    {
        var rows = _foldRows;
        rows.Clear();
        rows.AddRange(rollups);
        if (batch is not null)
        {
            rows.AddRange(batch);
        }
        rows.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Key.Date, b.Key.Date);
            return c != 0 ? c : string.CompareOrdinal(a.Key.Device, b.Key.Device);
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
        using var mark = new PreparedStatement(_writer, "UPDATE rollup_fold SET up_to_id = (SELECT coalesce(max(id), 0) FROM telemetry) WHERE id = 1");
        mark.Execute();
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
            _pendingSince = Clock.GetTimestamp();
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
        WriteFold(fold, null);
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
                    WriteFold(_pendingRollups, null);
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
}
