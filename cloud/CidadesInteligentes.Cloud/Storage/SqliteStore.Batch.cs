using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// An ingest batch's transaction: the sequenced messages (SqliteStore.Messages.cs, SqliteStore.Wifi.cs), then status
/// changes, dead letters, command acks and the batch's roll-ups, which are folded with the pending ones when due
/// (SqliteStore.RollupFold.cs).
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>Stores a batch in one transaction. Duplicates (same device, stream, seq) are reported, not stored again.</summary>
    public async Task<IReadOnlyList<StoreOutcome>> StoreBatchAsync(IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var results = new StoreOutcome[items.Count];
            using (var tx = _writer.BeginTransaction())
            {
                var foldedFromTable = SyncWithOtherWriters();
                var lastInserted = StoreTelemetry(items, results);
                StoreOtherMessages(items, results);
                WriteRest(tx, items, results, lastInserted ?? 0);
                var fold = FoldDue(foldedFromTable);
                if (fold)
                {
                    WriteFold(_pendingRollups, _batchRollups);
                }
                tx.Commit();
                CacheSeqSets(lastInserted);
                if (fold)
                {
                    AfterFold(foldedFromTable);
                }
                else
                {
                    KeepPending();
                }
            }
            return results;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Status changes, dead letters, command acks, and the roll-ups of the messages just inserted aggregated in <see cref="_batchRollups"/>.</summary>
    private void WriteRest(SqliteTransaction tx, IReadOnlyList<IngestItem> items, StoreOutcome[] results, long lastTelemetryId)
    {
        SqliteCommand? status = null, dead = null, ack = null;
        try
        {
            var rollups = _batchRollups;
            rollups.Clear();
            _batchMessages = 0;
            for (var i = 0; i < items.Count; i++)
            {
                var it = items[i];
                switch (it.Kind)
                {
                    case IngestItemKind.Message:
                        var inserted = results[i] == StoreOutcome.Stored;
                        if (inserted && it.Stream == "telemetry" && it.LocalDate is not null)
                        {
                            // aggregated per device-day over the batch, then folded with the pending ones (SqliteStore.RollupFold.cs)
                            ref var agg = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(rollups, (it.Device, it.LocalDate), out _);
                            agg = agg.Add(it) with { LastId = lastTelemetryId };
                            _batchMessages++;
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
                            ("$t", it.Ts == default ? null : it.Ts.ToUnixTimeMilliseconds()), ("$r", it.ReceivedAt.ToUnixTimeMilliseconds()), ("$p", System.Text.Encoding.UTF8.GetString(it.Payload)));
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
        }
        finally
        {
            status?.Dispose();
            dead?.Dispose();
            ack?.Dispose();
        }
    }
}
