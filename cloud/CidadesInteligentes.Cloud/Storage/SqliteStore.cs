using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The embedded SQLite store (WAL, synchronous FULL so an acknowledged message survives power loss). One writer
/// connection serialised by a lock; each read opens a pooled connection of its own, so the API never waits for
/// the ingestor.
/// </summary>
internal sealed partial class SqliteStore : IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private SqliteStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, Cache = SqliteCacheMode.Private }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        try
        {
            // the version is checked before anything is written: a database of a newer program is left as it was
            var version = UserVersion();
            // 16 KiB pages (set before the first write; an existing database keeps its size): an ingest batch appends to
            // fewer pages, so fewer B-tree splits and WAL frames per message (docs/performance.md, "ingestor CPU")
            Exec(_writer, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;");
            Migrate(version);
            // after the migrations (whose back-fills may sort more than memory should hold): the statement journals of
            // the multi-row upserts (at most RowsPerInsert rows' pages) stay in memory instead of spilling to a temp
            // file, which added ~90 B written per message at fleet scale (docs/performance.md, "ingestor CPU")
            Exec(_writer, "PRAGMA temp_store=MEMORY;");
            // a 64 MiB page cache on the writer (SQLite's default is 2 MB): with a fleet reporting in random order each
            // message updates a roll-up row on a page of its own, and a cache smaller than a commit's pages spilled them
            // to the WAL mid-transaction: 21 KB written per message with 100,000 devices, 8.8 KB with this cache
            // (docs/performance.md, "A fleet in random order")
            Exec(_writer, $"PRAGMA cache_size=-{WriterCacheKiB};");
            // the telemetry stored after the last fold (a crash, a kill) goes into the roll-ups now
            FoldRollups();
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>False when SQLite runs in multi-thread mode (no mutex per call on the writer; see SqliteLibrary).</summary>
    internal bool WriterHasMutex => SqliteLibrary.HasMutex(_writer);

    public int SchemaVersion { get; private set; }

    /// <summary>The value of <c>PRAGMA <paramref name="name"/></c> on the writer connection (for checks and tests).</summary>
    internal string? WriterPragma(string name)
    {
        if (!name.All(static c => char.IsAsciiLetterLower(c) || c == '_'))
        {
            throw new ArgumentException($"'{name}' is not a pragma name", nameof(name));
        }
        _writeLock.Wait();
        try
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "PRAGMA " + name;
            return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The writer connection's page cache, in KiB (at most this much memory, filled as pages are used).</summary>
    internal const int WriterCacheKiB = 64 * 1024;

    /// <summary>Opens (creating if needed) <c>cidades.db</c> in <paramref name="directory"/> and applies pending migrations.</summary>
    public static SqliteStore Open(string directory)
    {
        Directory.CreateDirectory(directory);
        SqliteLibrary.EnsureConfigured();
        return new SqliteStore(System.IO.Path.Combine(directory, "cidades.db"));
    }

    private int UserVersion()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version > Schema.Migrations.Length)
        {
            throw new InvalidOperationException($"The database {Path} has schema version {version}, newer than this program knows ({Schema.Migrations.Length}). Run the newer program or restore a backup.");
        }
        return version;
    }

    private void Migrate(int version)
    {
        for (var i = version; i < Schema.Migrations.Length; i++)
        {
            using var tx = _writer.BeginTransaction();
            using var m = _writer.CreateCommand();
            m.Transaction = tx;
            m.CommandText = Schema.Migrations[i] + $"\nPRAGMA user_version = {i + 1};";
            m.ExecuteNonQuery();
            if (i == Schema.WifiSamplesMigration)
            {
                BackfillWifiSamples();
            }
            tx.Commit();
        }
        SchemaVersion = Schema.Migrations.Length;
    }

    private SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var c = _writer.CreateCommand();
        c.Transaction = tx;
        c.CommandText = sql;
        return c;
    }

    private static void Bind(SqliteCommand cmd, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            if (cmd.Parameters.Contains(name))
            {
                cmd.Parameters[name].Value = value ?? DBNull.Value;
            }
            else
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
    }

    /// <summary>Runs a small write (command, registry, audit, report) outside the ingest batches.</summary>
    public async Task WriteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] values)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = sql;
            Bind(cmd, values);
            cmd.ExecuteNonQuery();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    /// <summary>Reads rows with <paramref name="map"/>; a fresh pooled connection per call.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] values)
    {
        using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        Bind(cmd, values);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(map(r));
        }
        return list;
    }

    public long Scalar(string sql, params (string Name, object? Value)[] values)
    {
        using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        Bind(cmd, values);
        return cmd.ExecuteScalar() is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        try
        {
            // the roll-ups still in memory: a store that is not disposed (a crash) folds their rows when it opens again
            FoldRollups();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or ObjectDisposedException)
        {
            // left to that fold
        }
        _insertMessage?.Dispose();
        _insertTelemetry?.Dispose();
        _readSeqSet?.Dispose();
        _writeSeqSets?.Dispose();
        _dataVersion?.Dispose();
        _upsertRollups?.Dispose();
        _writer.Dispose();
        _writeLock.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
