namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// Ordered schema migrations. A migration is never edited once released: a change is a new entry at the end.
/// <c>PRAGMA user_version</c> records how many have been applied.
/// </summary>
internal static class Schema
{
    public static readonly string[] Migrations =
    [
        // 1: telemetry, events and acks keyed by the contract's idempotency key (device, stream, seq)
        """
        CREATE TABLE messages (
            device      TEXT    NOT NULL,
            stream      TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            city        TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            ts          INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            payload     TEXT    NOT NULL,
            PRIMARY KEY (device, stream, seq)
        ) WITHOUT ROWID;
        CREATE INDEX messages_city_ts ON messages (city, stream, ts);
        CREATE INDEX messages_device_ts ON messages (device, stream, ts);

        CREATE TABLE status_log (
            id          INTEGER PRIMARY KEY,
            device      TEXT    NOT NULL,
            city        TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            state       TEXT    NOT NULL,
            ts          INTEGER,
            received_at INTEGER NOT NULL,
            payload     TEXT    NOT NULL
        );
        CREATE INDEX status_log_device ON status_log (device, received_at);
        CREATE INDEX status_log_city ON status_log (city, received_at);

        CREATE TABLE dead_letters (
            id          INTEGER PRIMARY KEY,
            received_at INTEGER NOT NULL,
            client      TEXT,
            topic       TEXT    NOT NULL,
            reason      TEXT    NOT NULL,
            detail      TEXT    NOT NULL,
            payload     BLOB
        );

        CREATE TABLE registry (
            id          INTEGER PRIMARY KEY,
            saved_at    INTEGER NOT NULL,
            saved_by    TEXT    NOT NULL,
            document    TEXT    NOT NULL
        );

        CREATE TABLE audit (
            id          INTEGER PRIMARY KEY,
            at          INTEGER NOT NULL,
            who         TEXT    NOT NULL,
            action      TEXT    NOT NULL,
            target      TEXT    NOT NULL,
            detail      TEXT    NOT NULL
        );

        CREATE TABLE commands (
            id          TEXT    PRIMARY KEY,
            device      TEXT    NOT NULL,
            city        TEXT    NOT NULL,
            type        TEXT    NOT NULL,
            body        TEXT    NOT NULL,
            sent_at     INTEGER NOT NULL,
            sent_by     TEXT    NOT NULL,
            result      TEXT,
            detail      TEXT,
            ack_at      INTEGER
        );
        CREATE INDEX commands_device ON commands (device, sent_at);

        CREATE TABLE reports (
            id          TEXT    PRIMARY KEY,
            scope       TEXT    NOT NULL,
            city        TEXT,
            month       TEXT    NOT NULL,
            created_at  INTEGER NOT NULL,
            compliant   INTEGER NOT NULL,
            digest      TEXT    NOT NULL,
            html        TEXT    NOT NULL,
            csv         TEXT    NOT NULL,
            json        TEXT    NOT NULL,
            pdf         BLOB
        );
        CREATE INDEX reports_month ON reports (month, city);
        """,

        // 2: energy registers copied out of luminaire telemetry so the savings engine reads numbers, not JSON
        """
        ALTER TABLE messages ADD COLUMN energy_wh REAL;
        ALTER TABLE messages ADD COLUMN burn_s INTEGER;
        CREATE INDEX status_log_kind ON status_log (city, kind, received_at);
        """,

        // 3: daily roll-ups per device and local day, maintained in the same transaction as each stored message
        // (only for messages actually inserted, so replays and two instances sharing the store never count twice)
        """
        CREATE TABLE daily_rollups (
            device          TEXT    NOT NULL,
            date            TEXT    NOT NULL,
            city            TEXT    NOT NULL,
            kind            TEXT    NOT NULL,
            messages        INTEGER NOT NULL,
            first_ts        INTEGER NOT NULL,
            last_ts         INTEGER NOT NULL,
            energy_min_wh   REAL,
            energy_max_wh   REAL,
            burn_min_s      INTEGER,
            burn_max_s      INTEGER,
            backhaul_up     INTEGER NOT NULL DEFAULT 0,
            portal_ok       INTEGER NOT NULL DEFAULT 0,
            max_clients     INTEGER,
            max_unique      INTEGER,
            PRIMARY KEY (device, date)
        ) WITHOUT ROWID;
        CREATE INDEX daily_rollups_city ON daily_rollups (city, date);
        """,

        // 4: the primary key (device, stream, seq) already serves per-device reads; one index less per insert
        """
        DROP INDEX messages_device_ts;
        """,

        // 5: telemetry (nearly every message) no longer maintains a city index. A city's telemetry for a period is found
        // through its roll-ups, which now record each device-day's seq range, and read by primary-key ranges
        // (SqliteStore.CityRows). Events and acks keep a city index (partial: telemetry rows are not in it).
        // Back-fill: a device-day's messages are exactly those with ts between its first_ts and last_ts (a temporary
        // (device, stream, ts) index makes that one range seek per roll-up row instead of a scan of the device's history).
        """
        ALTER TABLE daily_rollups ADD COLUMN min_seq INTEGER;
        ALTER TABLE daily_rollups ADD COLUMN max_seq INTEGER;
        CREATE INDEX migration5_device_ts ON messages (device, stream, ts);
        UPDATE daily_rollups SET (min_seq, max_seq) = (SELECT min(seq), max(seq) FROM messages m
            WHERE m.device = daily_rollups.device AND m.stream = 'telemetry' AND m.ts BETWEEN daily_rollups.first_ts AND daily_rollups.last_ts);
        DROP INDEX migration5_device_ts;
        DROP INDEX messages_city_ts;
        CREATE INDEX messages_city_ts ON messages (city, stream, ts) WHERE stream <> 'telemetry';
        """,

        // 6: alerts survive a restart (open ones stay open, with their id and count; history stays listed)
        """
        CREATE TABLE alerts (
            id          INTEGER PRIMARY KEY,
            device      TEXT    NOT NULL,
            city        TEXT    NOT NULL,
            type        TEXT    NOT NULL,
            scope       TEXT    NOT NULL,
            active      INTEGER NOT NULL,
            opened_at   INTEGER NOT NULL,
            closed_at   INTEGER,
            detail      TEXT,
            count       INTEGER NOT NULL
        );
        CREATE INDEX alerts_active ON alerts (active, closed_at);
        """,

        // 7: telemetry in arrival order. In `messages` (clustered by device, stream, seq) every commit rewrote each
        // reporting device's last page, so with a fleet (one message per device per commit) a commit wrote a 16 KiB page
        // per message. `telemetry` is a rowid table that a commit appends to; a city's rows are found through
        // `telemetry_city`, whose entries a commit appends per city. Exactly-once moves to `seq_sets`: each device's
        // stored seqs as ranges ("1-1440,1443-2880"), read and updated in the same write transaction as the rows
        // (SqliteStore.Telemetry). `last_id` bounds the newest row of the device, where a "recent" read starts.
        // Events and acks stay in `messages`. Back-fill: rows moved in arrival order, seq ranges as islands of seq.
        """
        CREATE TABLE telemetry (
            id          INTEGER PRIMARY KEY,
            device      TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            city        TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            ts          INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            payload     TEXT    NOT NULL,
            energy_wh   REAL,
            burn_s      INTEGER
        );
        INSERT INTO telemetry (device, seq, city, kind, ts, received_at, payload, energy_wh, burn_s)
            SELECT device, seq, city, kind, ts, received_at, payload, energy_wh, burn_s FROM messages WHERE stream = 'telemetry'
            ORDER BY received_at, device, seq;
        CREATE TABLE seq_sets (
            device      TEXT    NOT NULL,
            stream      TEXT    NOT NULL,
            ranges      TEXT    NOT NULL,
            last_id     INTEGER NOT NULL,
            PRIMARY KEY (device, stream)
        ) WITHOUT ROWID;
        INSERT INTO seq_sets (device, stream, ranges, last_id)
            SELECT device, 'telemetry', group_concat(lo || '-' || hi, ','), max(last_id) FROM (
                SELECT device, min(seq) AS lo, max(seq) AS hi, max(id) AS last_id FROM (
                    SELECT device, seq, id, seq - row_number() OVER (PARTITION BY device ORDER BY seq) AS island FROM telemetry)
                GROUP BY device, island ORDER BY device, lo)
            GROUP BY device;
        DELETE FROM messages WHERE stream = 'telemetry';
        CREATE INDEX telemetry_city ON telemetry (city, kind, ts);
        """,

        // 8: the savings engine's city-months as it keeps them (every luminaire's month, Engines/SavingsStreams.cs), as
        // of a telemetry row id: after a restart the engine adds the rows committed since instead of reading the month
        // whole again (tens of seconds for a big city). Derived data: a row missing or unusable means a whole read.
        """
        CREATE TABLE savings_months (
            city        TEXT    NOT NULL,
            month       TEXT    NOT NULL,
            up_to_id    INTEGER NOT NULL,
            saved_at    INTEGER NOT NULL,
            data        BLOB    NOT NULL,
            PRIMARY KEY (city, month)
        );
        """,

        // 9: the hotspot samples Wi-Fi compliance reads, as columns, clustered by city and time. In `telemetry` a city's
        // hotspot rows are a few among every luminaire's, so a city-month read fetched a store page per sample and parsed
        // its JSON. A stored hotspot message also writes its row here, in the same transaction; `id` is its telemetry
        // row's. The doubles have no column type, so SQLite keeps each value as it was bound (a REAL column would store
        // -0.0 as the integer 0, and the report's digest hashes the bits). Back-filled by the store in C#
        // (SqliteStore.BackfillWifiSamples), with the serializer that reads them at ingest.
        """
        CREATE TABLE wifi_samples (
            city            TEXT    NOT NULL,
            ts              INTEGER NOT NULL,
            device          TEXT    NOT NULL,
            seq             INTEGER NOT NULL,
            id              INTEGER NOT NULL,
            backhaul_up     INTEGER NOT NULL,
            portal_ok       INTEGER NOT NULL,
            latency_ms,
            loss_percent,
            down_mbps,
            up_mbps,
            clients         INTEGER NOT NULL,
            unique_clients  INTEGER NOT NULL,
            PRIMARY KEY (city, ts, device, seq)
        ) WITHOUT ROWID;
        """,

        // 10: `seq_sets` is written only when a device's seq ranges change shape (a gap, a late seq, a new device) or a
        // seq lands on another local date than the row's `date`, not each time its last range grows by the next seq: with
        // a fleet that was one upsert per message. The stored last range reaches up to `max_seq` of the device's roll-up
        // of that date, which every stored message of the day updates anyway (SqliteStore.LoadSeqSet); each roll-up row
        // now also keeps the id bound of its device's newest row, where a "recent" read starts. NULL on rows from before
        // (their ranges and last_id were exact when this ran).
        """
        ALTER TABLE seq_sets ADD COLUMN date TEXT;
        ALTER TABLE daily_rollups ADD COLUMN last_id INTEGER;
        """,

        // 11: the daily roll-ups are aggregated in memory and written about once a minute instead of in every commit
        // (SqliteStore.RollupFold.cs): with a fleet reporting in random order each commit updated a roll-up row on a page
        // of its own. `up_to_id` is the watermark: every telemetry row up to that id is in the roll-ups, none above it. The
        // rows above it are folded from memory by the instance that wrote them, or read back from the table (at open,
        // after another instance's commit). Until now the roll-ups were exact as of every commit.
        """
        CREATE TABLE rollup_fold (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            up_to_id    INTEGER NOT NULL
        );
        INSERT INTO rollup_fold (id, up_to_id) VALUES (1, (SELECT coalesce(max(id), 0) FROM telemetry));
        """,

        // 12: the daily roll-ups keyed by (date, device) instead of (device, date). A fold writes one local date's rows
        // (about one per device of the fleet); keyed by device first, each of them sat among that device's earlier days,
        // so after a year every row of a fold was on a page of its own. Keyed by date first, one day's rows fill
        // neighbouring pages. Per-device reads (the savings engine's readings outside a read window) use the new index;
        // it changes only when a device-day's row is created, not when a fold updates it.
        """
        CREATE TABLE daily_rollups_by_date (
            date            TEXT    NOT NULL,
            device          TEXT    NOT NULL,
            city            TEXT    NOT NULL,
            kind            TEXT    NOT NULL,
            messages        INTEGER NOT NULL,
            first_ts        INTEGER NOT NULL,
            last_ts         INTEGER NOT NULL,
            energy_min_wh   REAL,
            energy_max_wh   REAL,
            burn_min_s      INTEGER,
            burn_max_s      INTEGER,
            backhaul_up     INTEGER NOT NULL DEFAULT 0,
            portal_ok       INTEGER NOT NULL DEFAULT 0,
            max_clients     INTEGER,
            max_unique      INTEGER,
            min_seq         INTEGER,
            max_seq         INTEGER,
            last_id         INTEGER,
            PRIMARY KEY (date, device)
        ) WITHOUT ROWID;
        INSERT INTO daily_rollups_by_date (date, device, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s,
                backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq, last_id)
            SELECT date, device, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s,
                backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq, last_id
            FROM daily_rollups ORDER BY date, device;
        DROP TABLE daily_rollups;
        ALTER TABLE daily_rollups_by_date RENAME TO daily_rollups;
        CREATE INDEX daily_rollups_city ON daily_rollups (city, date);
        CREATE INDEX daily_rollups_device ON daily_rollups (device, date);
        """,
    ];

    /// <summary>The migration (its index in <see cref="Migrations"/>) after whose SQL the store back-fills <c>wifi_samples</c>.</summary>
    public const int WifiSamplesMigration = 8;
}
