namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The daily roll-ups of an ingest batch: the stored telemetry aggregated per (device, local date) in memory, then one
/// upsert per group, <see cref="RowsPerInsert"/> groups per statement.
/// </summary>
internal sealed partial class SqliteStore
{
    private ChunkedWrite<KeyValuePair<(string Device, string Date), RollupDelta>>? _upsertRollups;

    // (device, local date) → the batch's aggregate; reused from batch to batch (under the write lock)
    private readonly Dictionary<(string Device, string Date), RollupDelta> _batchRollups = [];

    private const int RollupColumns = 17;

    // OR FAIL as at InsertTelemetrySql; a multi-row upsert still keeps a statement journal (its DO UPDATE may abort),
    // held in memory (temp_store, set when the store opens).
    private const string RollupInsertSql =
        "INSERT OR FAIL INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s, backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq) VALUES ";

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
            min_seq = min(coalesce(min_seq, excluded.min_seq), excluded.min_seq), max_seq = max(coalesce(max_seq, excluded.max_seq), excluded.max_seq)
        """;

    private static void BindRollup(PreparedStatement s, int at, KeyValuePair<(string Device, string Date), RollupDelta> group)
    {
        var ((device, date), d) = group;
        s.Text(at + 1, device).Text(at + 2, date).Text(at + 3, d.City).Text(at + 4, d.Kind).Int64(at + 5, d.Messages).Int64(at + 6, d.FirstTs).Int64(at + 7, d.LastTs)
            .Double(at + 8, d.EnergyMin).Double(at + 9, d.EnergyMax).Int64(at + 10, d.BurnMin).Int64(at + 11, d.BurnMax).Int64(at + 12, d.BackhaulUp).Int64(at + 13, d.PortalOk)
            .Int64(at + 14, d.MaxClients).Int64(at + 15, d.MaxUnique).Int64(at + 16, d.MinSeq).Int64(at + 17, d.MaxSeq);
    }

    /// <summary>Adds each group of the batch to its day's row (with a fleet about one upsert per message).</summary>
    private void WriteRollups(Dictionary<(string Device, string Date), RollupDelta> rollups)
    {
        _upsertRollups ??= new ChunkedWrite<KeyValuePair<(string Device, string Date), RollupDelta>>(_writer, RollupInsertSql, RollupColumns, RollupConflictSql, BindRollup);
        _upsertRollups.Begin();
        foreach (var group in rollups)
        {
            _upsertRollups.Add(group);
        }
        _upsertRollups.Flush();
    }

    /// <summary>
    /// A luminaire's last energy reading on a local date before <paramref name="date"/> (yyyy-MM-dd), found through its
    /// daily roll-ups: the reading before a gap longer than a read window.
    /// </summary>
    public Domain.Energy.EnergyReading? EnergyReadingBefore(string city, string device, string date) =>
        EnergyReadingAt(city, device, "SELECT last_ts FROM daily_rollups WHERE device = $d AND date < $date AND energy_max_wh IS NOT NULL ORDER BY date DESC LIMIT 1", date, "DESC");

    /// <summary>A luminaire's first energy reading on a local date from <paramref name="date"/> on (the reading after a gap).</summary>
    public Domain.Energy.EnergyReading? EnergyReadingFrom(string city, string device, string date) =>
        EnergyReadingAt(city, device, "SELECT first_ts FROM daily_rollups WHERE device = $d AND date >= $date AND energy_min_wh IS NOT NULL ORDER BY date LIMIT 1", date, "ASC");

    private Domain.Energy.EnergyReading? EnergyReadingAt(string city, string device, string rollupSql, string date, string seqOrder)
    {
        var ts = Query(rollupSql, r => r.GetInt64(0), ("$d", device), ("$date", date));
        if (ts.Count == 0)
        {
            return null;
        }
        var rows = Query($"SELECT seq, ts, energy_wh, burn_s FROM telemetry WHERE city = $c AND kind = 'luminaire' AND ts = $t AND device = $d AND energy_wh IS NOT NULL ORDER BY seq {seqOrder} LIMIT 1",
            r => new Domain.Energy.EnergyReading(r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.GetDouble(2), r.IsDBNull(3) ? 0 : r.GetInt64(3)),
            ("$c", city), ("$t", ts[0]), ("$d", device));
        return rows.Count == 0 ? null : rows[0];
    }
}
