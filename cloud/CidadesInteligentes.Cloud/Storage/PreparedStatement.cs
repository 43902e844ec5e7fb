using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// One statement compiled once on the writer connection and reused for every row of every ingest batch, bound by
/// position with SQLite's own calls (SQLitePCLRaw, which Microsoft.Data.Sqlite runs on). The hot insert path is a
/// few binds and a step; going through <see cref="SqliteCommand"/> per row cost about 6 µs of CPU more per message
/// (docs/performance.md, "ingestor CPU"). Payloads are bound as the UTF-8 bytes that arrived, stored as TEXT.
/// Every parameter must be bound (a value or null) before each <see cref="Execute"/>. Not thread-safe: used only under
/// the store's write lock.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _stmt, out _), sql);
    }

    public PreparedStatement Text(int index, string? value)
    {
        if (value is null)
        {
            return Bound(raw.sqlite3_bind_null(_stmt, index));
        }
        // ids, codes and names are short: transcode on the stack (SQLite copies the bytes) instead of allocating
        if (value.Length <= 128)
        {
            Span<byte> utf8 = stackalloc byte[128 * 3];
            return Bound(raw.sqlite3_bind_text(_stmt, index, utf8[..System.Text.Encoding.UTF8.GetBytes(value, utf8)]));
        }
        return Bound(raw.sqlite3_bind_text(_stmt, index, value));
    }

    /// <summary>Binds UTF-8 text as is (no transcoding through a .NET string).</summary>
    public PreparedStatement Utf8(int index, ReadOnlySpan<byte> value) => Bound(raw.sqlite3_bind_text(_stmt, index, value));

    public PreparedStatement Int64(int index, long? value) =>
        Bound(value is { } v ? raw.sqlite3_bind_int64(_stmt, index, v) : raw.sqlite3_bind_null(_stmt, index));

    public PreparedStatement Double(int index, double? value) =>
        Bound(value is { } v ? raw.sqlite3_bind_double(_stmt, index, v) : raw.sqlite3_bind_null(_stmt, index));

    /// <summary>Runs the bound statement (an INSERT/UPDATE) and returns the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc != raw.SQLITE_DONE)
            {
                throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc);
            }
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            // bindings are kept: every caller binds every parameter (a value or null) before each Execute
            raw.sqlite3_reset(_stmt);
        }
    }

    private PreparedStatement Bound(int rc)
    {
        Check(rc, null);
        return this;
    }

    private void Check(int rc, string? sql)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}{(sql is null ? "" : " in " + sql)}", rc);
        }
    }

    public void Dispose() => _stmt.Dispose();
}
