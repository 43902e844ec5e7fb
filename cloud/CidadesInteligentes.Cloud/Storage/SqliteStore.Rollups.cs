namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The daily roll-ups: their upsert, and what the engines read from them (date ranges, readings outside a read
/// window). When they are written is SqliteStore.RollupFold.cs.
/// </summary>
internal sealed partial class SqliteStore
{
    private ChunkedWrite<KeyValuePair<(string Device, string Date), RollupDelta>>? _upsertRollups;

    // (device, local date) → the batch's aggregate; reused from batch to batch (under the write lock)
    private readonly Dictionary<(string Device, string Date), RollupDelta> _batchRollups = [];

    private const int RollupColumns = 18;

    // OR FAIL as at InsertTelemetrySql; a multi-row upsert still keeps a statement journal (its DO UPDATE may abort),
    // held in memory (temp_store, set when the store opens).
    private const string RollupInsertSql =
        "INSERT OR FAIL INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s, backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq, last_id) VALUES ";

    private const string RollupConflictSql = """

        ON CONFLICT (date, device) DO UPDATE SET
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

        // per-device reads: on the index daily_rollups_device (the table is keyed by date first)
        internal const string LastBeforeSql = "SELECT last_ts FROM daily_rollups WHERE device = ?1 AND date < ?2 AND energy_max_wh IS NOT NULL ORDER BY date DESC LIMIT 1";
        internal const string FirstFromSql = "SELECT first_ts FROM daily_rollups WHERE device = ?1 AND date >= ?2 AND energy_min_wh IS NOT NULL ORDER BY date LIMIT 1";

        internal ReadingLookup(SqliteStore store, Microsoft.Data.Sqlite.SqliteConnection connection, string city)
        {
            _store = store;
            _connection = connection;
            _city = city;
            // one read transaction for all the lookups: a statement outside one takes and releases the WAL's read lock
            // itself (system calls), which was most of each lookup's cost
            _snapshot = connection.BeginTransaction(deferred: true);
            _lastBefore = new(connection, LastBeforeSql);
            _firstFrom = new(connection, FirstFromSql);
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
