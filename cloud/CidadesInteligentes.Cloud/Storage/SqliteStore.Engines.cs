namespace CidadesInteligentes.Cloud.Storage;

/// <summary>What the savings and Wi-Fi engines read (a city's readings, the rows since an id) and the savings months they keep.</summary>
internal sealed partial class SqliteStore
{
    /// <summary>Energy registers of a city's luminaires with ts in [from, to), per device in seq order.</summary>
    /// <remarks>
    /// <paramref name="maxId"/>: only rows up to that id (the rows a reader has already seen arrive).
    /// <paramref name="device"/>: only that luminaire's (the city's rows of the period are still scanned).
    /// </remarks>
    public Dictionary<string, List<CidadesInteligentes.Cloud.Domain.Energy.EnergyReading>> EnergyReadings(string city, DateTimeOffset from, DateTimeOffset to, long? maxId = null, string? device = null) =>
        // burn_s NULL (a meter without a burn register) reads as 0
        CityRows<CidadesInteligentes.Cloud.Domain.Energy.EnergyReading>(city, "luminaire", from, to, "seq, ts, energy_wh, burn_s", "energy_wh IS NOT NULL", maxId, device,
            static s => new CidadesInteligentes.Cloud.Domain.Energy.EnergyReading(s.Int64At(0), DateTimeOffset.FromUnixTimeMilliseconds(s.Int64At(1)),
                s.DoubleAt(2), s.Int64At(3)),
            static (a, b) => a.Seq.CompareTo(b.Seq));

    // on the index daily_rollups_device (the table is keyed by date first)
    internal const string FirstReadingBetweenSql = "SELECT min(first_ts) FROM daily_rollups WHERE device = $d AND date >= $f AND date <= $t AND energy_min_wh IS NOT NULL";

    /// <summary>
    /// The earliest ts of a luminaire's energy readings on local dates in [<paramref name="fromDate"/>,
    /// <paramref name="toDate"/>] (yyyy-MM-dd), from its daily roll-ups; null if it has none there. Where a read of its
    /// readings in that period can start.
    /// </summary>
    public DateTimeOffset? FirstReadingBetween(string device, string fromDate, string toDate)
    {
        FoldRollups();
        return Query(FirstReadingBetweenSql,
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), ("$d", device), ("$f", fromDate), ("$t", toDate))[0];
    }

    /// <summary>The id of the newest telemetry row (0 for none): rows are appended in commit order, so every row up to it is committed.</summary>
    public long MaxTelemetryId() => Query("SELECT coalesce(max(id), 0) FROM telemetry", r => r.GetInt64(0))[0];

    /// <summary>
    /// Luminaire energy readings of every city with ids in (<paramref name="afterId"/>, <paramref name="upToId"/>], in
    /// arrival (id) order: what arrived since a reader last looked, read by rowid range.
    /// </summary>
    public List<(string City, string Device, CidadesInteligentes.Cloud.Domain.Energy.EnergyReading Reading)> LuminaireReadingsBetween(long afterId, long upToId) =>
        Query("SELECT city, device, seq, ts, energy_wh, burn_s FROM telemetry WHERE id > $a AND id <= $b AND kind = 'luminaire' AND energy_wh IS NOT NULL ORDER BY id",
            r => (r.GetString(0), r.GetString(1), new CidadesInteligentes.Cloud.Domain.Energy.EnergyReading(r.GetInt64(2),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetDouble(4), r.IsDBNull(5) ? 0 : r.GetInt64(5))),
            ("$a", afterId), ("$b", upToId));

    /// <summary>
    /// A city's telemetry of one device kind with ts in [from, to) (optionally only rows up to <paramref name="maxId"/>, only
    /// <paramref name="device"/>'s: the city's rows of the period are still scanned), each row read by <paramref name="read"/>
    /// (null: skipped), per device in seq order. A city-month at one reading a minute is tens of millions of rows: they
    /// are read with SQLite's own calls (as ingest writes them), and each device's list is found by the name's
    /// characters, so a row allocates no string. Rows come in the order of the <c>telemetry_city</c> index (city, kind,
    /// ts), devices interleaved, and each device's list is put in seq order here: an <c>ORDER BY device, seq</c> made
    /// SQLite sort every row of the period first (docs/performance.md, "The price is on the read side").
    /// </summary>
    private Dictionary<string, List<T>> CityRows<T>(string city, string kind, DateTimeOffset from, DateTimeOffset to, string columns, string? where, long? maxId, string? device,
        Func<PreparedStatement, T?> read, Comparison<T> bySeq)
        where T : struct =>
        ByDevice($"SELECT {columns}, device FROM telemetry WHERE city = ?1 AND kind = ?2 AND ts >= ?3 AND ts < ?4 AND id <= ?5"
            + (where is null ? "" : " AND " + where) + (device is null ? "" : " AND device = ?6"),
            s =>
            {
                s.Text(1, city).Text(2, kind).Int64(3, from.ToUnixTimeMilliseconds()).Int64(4, to.ToUnixTimeMilliseconds()).Int64(5, maxId ?? long.MaxValue);
                if (device is not null)
                {
                    s.Text(6, device);
                }
            }, read, bySeq);

    /// <summary>
    /// Runs <paramref name="sql"/> (its last column the device) on a reader connection and returns its rows, each read by
    /// <paramref name="read"/> (null: skipped), per device in seq order (see <see cref="CityRows"/>).
    /// </summary>
    private Dictionary<string, List<T>> ByDevice<T>(string sql, Action<PreparedStatement> bind, Func<PreparedStatement, T?> read, Comparison<T> bySeq)
        where T : struct
    {
        var result = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        var byName = result.GetAlternateLookup<ReadOnlySpan<char>>();
        using var c = OpenReader();
        using var s = new PreparedStatement(c, sql);
        bind(s);
        var deviceColumn = s.ColumnCount - 1;
        Span<char> name = stackalloc char[256];
        while (s.Next())
        {
            if (read(s) is not { } value)
            {
                continue;
            }
            var utf8 = s.BytesAt(deviceColumn);
            List<T>? list;
            if (utf8.Length > name.Length)
            {
                var id = System.Text.Encoding.UTF8.GetString(utf8);
                if (!result.TryGetValue(id, out list))
                {
                    result[id] = list = [];
                }
            }
            else
            {
                var chars = System.Text.Encoding.UTF8.GetChars(utf8, name);
                if (!byName.TryGetValue(name[..chars], out list))
                {
                    result[new string(name[..chars])] = list = [];
                }
            }
            list.Add(value);
        }
        return InSeqOrder(result, bySeq);
    }

    /// <summary>Sorts each device's rows of <see cref="CityRows"/> (which come in ts order) by seq.</summary>
    private static Dictionary<string, List<T>> InSeqOrder<T>(Dictionary<string, List<T>> byDevice, Comparison<T> bySeq)
    {
        foreach (var list in byDevice.Values)
        {
            // nearly always in seq order already (read by ts): a sort is not adaptive, so look first
            for (var i = 1; i < list.Count; i++)
            {
                if (bySeq(list[i - 1], list[i]) > 0)
                {
                    list.Sort(bySeq);
                    break;
                }
            }
        }
        return byDevice;
    }

    /// <summary>
    /// Keeps a savings city-month as of telemetry row <paramref name="upToId"/> (<see cref="SavingsMonth"/>); an older one
    /// never replaces a newer one (two saves can be in flight).
    /// </summary>
    public Task SaveSavingsMonthAsync(string city, string month, long upToId, DateTimeOffset at, byte[] data, CancellationToken ct) =>
        WriteAsync("""
            INSERT INTO savings_months (city, month, up_to_id, saved_at, data) VALUES ($c, $m, $u, $a, $d)
            ON CONFLICT (city, month) DO UPDATE SET up_to_id = excluded.up_to_id, saved_at = excluded.saved_at, data = excluded.data
            WHERE excluded.up_to_id >= savings_months.up_to_id
            """, ct, ("$c", city), ("$m", month), ("$u", upToId), ("$a", at.ToUnixTimeMilliseconds()), ("$d", data));

    /// <summary>The savings city-month kept by <see cref="SaveSavingsMonthAsync"/>, with the row id it is as of; null if none.</summary>
    public (long UpToId, byte[] Data)? SavingsMonth(string city, string month) =>
        Query("SELECT up_to_id, data FROM savings_months WHERE city = $c AND month = $m", r => ((long, byte[])?)(r.GetInt64(0), (byte[])r.GetValue(1)), ("$c", city), ("$m", month))
            .FirstOrDefault();
}
