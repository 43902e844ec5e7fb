namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The sequenced messages (telemetry, events, acks) of an ingest batch, inserted <see cref="RowsPerInsert"/> rows per
/// statement: one <c>sqlite3_step</c> (and one reset) per chunk instead of per row. A chunk's change count says whether
/// every row of it was new; when one was not (a duplicate of a stored message, or twice in the same batch) it cannot
/// say which, so the caller rolls the transaction back and stores the batch row by row, which gives each message its
/// own outcome. Duplicates are rare (a device resending after a lost PUBACK); after a batch that had one, the next is
/// stored row by row directly, so a device resending its whole window does not make every batch run twice.
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>Rows per multi-row INSERT (10 parameters each; measured: docs/performance.md, "ingestor CPU").</summary>
    internal const int RowsPerInsert = 32;

    private const int MessageColumns = 10;
    private const string InsertMessageSql = "INSERT OR IGNORE INTO messages (device, stream, seq, city, kind, ts, received_at, payload, energy_wh, burn_s) VALUES ";

    private PreparedStatement? _insertMessage;
    private PreparedStatement? _insertMessages;
    private bool _lastBatchHadDuplicates;

    /// <summary>How many batches were stored row by row after a chunk met a duplicate (for tests).</summary>
    internal long RowByRowRetries { get; private set; }

    /// <summary>
    /// Inserts every <see cref="IngestItemKind.Message"/> item of <paramref name="items"/> in chunks and marks it stored.
    /// Returns false, leaving the transaction to be rolled back, as soon as a chunk inserts fewer rows than it holds.
    /// </summary>
    private bool TryInsertMessagesInChunks(IReadOnlyList<IngestItem> items, StoreOutcome[] results)
    {
        if (_lastBatchHadDuplicates)
        {
            return false;
        }
        _insertMessages ??= new PreparedStatement(_writer, InsertMessageSql + string.Join(", ", Enumerable.Range(0, RowsPerInsert).Select(static r =>
            "(" + string.Join(", ", Enumerable.Range((r * MessageColumns) + 1, MessageColumns).Select(static p => "?" + p)) + ")")));
        Span<int> chunk = stackalloc int[RowsPerInsert];
        var n = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Kind != IngestItemKind.Message)
            {
                continue;
            }
            BindMessage(_insertMessages, n * MessageColumns, items[i]);
            chunk[n++] = i;
            if (n == RowsPerInsert)
            {
                if (_insertMessages.Execute() != RowsPerInsert)
                {
                    return false;
                }
                MarkStored(chunk, results);
                n = 0;
            }
        }
        // the last partial chunk row by row: each row's own change count is its outcome, so nothing to redo
        for (var k = 0; k < n; k++)
        {
            results[chunk[k]] = InsertOne(items[chunk[k]]);
        }
        return true;
    }

    /// <summary>Inserts every <see cref="IngestItemKind.Message"/> item one row at a time, each with its own outcome.</summary>
    private void InsertMessagesRowByRow(IReadOnlyList<IngestItem> items, StoreOutcome[] results)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Kind == IngestItemKind.Message)
            {
                results[i] = InsertOne(items[i]);
            }
        }
    }

    private StoreOutcome InsertOne(IngestItem it)
    {
        _insertMessage ??= new PreparedStatement(_writer, InsertMessageSql + "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        BindMessage(_insertMessage, 0, it);
        return _insertMessage.Execute() == 1 ? StoreOutcome.Stored : StoreOutcome.Duplicate;
    }

    private static void MarkStored(ReadOnlySpan<int> chunk, StoreOutcome[] results)
    {
        foreach (var i in chunk)
        {
            results[i] = StoreOutcome.Stored;
        }
    }

    private static void BindMessage(PreparedStatement s, int at, IngestItem it) =>
        s.Text(at + 1, it.Device).Text(at + 2, it.Stream).Int64(at + 3, it.Seq).Text(at + 4, it.City).Text(at + 5, it.DeviceKind)
            .Int64(at + 6, it.Ts.ToUnixTimeMilliseconds()).Int64(at + 7, it.ReceivedAt.ToUnixTimeMilliseconds()).Utf8(at + 8, it.Payload)
            .Double(at + 9, it.EnergyWh).Int64(at + 10, it.BurnSeconds);
}
