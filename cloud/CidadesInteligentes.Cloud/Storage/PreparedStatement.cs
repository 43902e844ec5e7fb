using Microsoft.Data.Sqlite;
using System.Runtime.InteropServices;
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
    private readonly nint _handle;
    private bool _referenced;

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _stmt, out _), sql);
        // the binds call SQLite directly with the statement's pointer (Native below): held until Dispose
        _stmt.DangerousAddRef(ref _referenced);
        _handle = _stmt.DangerousGetHandle();
    }

    public PreparedStatement Text(int index, string? value)
    {
        if (value is null)
        {
            return Bound(Native.BindNull(_handle, index));
        }
        // ids, codes and names are short: transcode on the stack (SQLite copies the bytes) instead of allocating
        if (value.Length <= 128)
        {
            Span<byte> utf8 = stackalloc byte[128 * 3];
            return Utf8(index, utf8[..System.Text.Encoding.UTF8.GetBytes(value, utf8)]);
        }
        return Utf8(index, System.Text.Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Binds UTF-8 text as is (no transcoding through a .NET string).</summary>
    public PreparedStatement Utf8(int index, ReadOnlySpan<byte> value)
    {
        // an empty span may have no address; SQLite takes a null pointer with length 0 as NULL, so point at a byte
        ReadOnlySpan<byte> text = value.IsEmpty ? [0] : value;
        return Bound(Native.BindText(_handle, index, in System.Runtime.InteropServices.MemoryMarshal.GetReference(text), value.Length, Native.Transient));
    }

    public PreparedStatement Int64(int index, long? value) =>
        Bound(value is { } v ? Native.BindInt64(_handle, index, v) : Native.BindNull(_handle, index));

    public PreparedStatement Double(int index, double? value) =>
        Bound(value is { } v ? Native.BindDouble(_handle, index, v) : Native.BindNull(_handle, index));

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

    /// <summary>
    /// Runs the bound statement (a SELECT of at most one row of interest) and, if it returns a row, reads it with
    /// <paramref name="read"/> before the statement is reset.
    /// </summary>
    public bool TryReadRow<T>(Func<PreparedStatement, T> read, out T value)
    {
        try
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc == raw.SQLITE_ROW)
            {
                value = read(this);
                return true;
            }
            if (rc != raw.SQLITE_DONE)
            {
                throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc);
            }
            value = default!;
            return false;
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    /// <summary>
    /// The next row of the bound statement (a SELECT of many rows): true while there is one, to be read with the column
    /// calls below; false at the end, after which the statement is reset.
    /// </summary>
    public bool Next()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE)
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc);
        }
        return false;
    }

    /// <summary>Columns of the statement's rows.</summary>
    public int ColumnCount => raw.sqlite3_column_count(_stmt);

    // Columns of the row Next stepped to, read by pointer as the binds are (see Native): a whole read of a city-month
    // calls these hundreds of thousands of times, and SQLitePCLRaw's SafeHandle reference counting around each call was
    // 11 % of `bench -- wifi-refresh`'s samples in perf (docs/performance.md, "Wi-Fi samples as their own table").

    public long Int64At(int column) => Native.ColumnInt64(_handle, column);

    public double DoubleAt(int column) => Native.ColumnDouble(_handle, column);

    public bool IsNullAt(int column) => Native.ColumnType(_handle, column) == raw.SQLITE_NULL;

    public double? NullableDoubleAt(int column) => IsNullAt(column) ? null : DoubleAt(column);

    public long? NullableInt64At(int column) => IsNullAt(column) ? null : Int64At(column);

    /// <summary>The column's text as a string (null for NULL).</summary>
    public string? TextAt(int column) => IsNullAt(column) ? null : System.Text.Encoding.UTF8.GetString(BytesAt(column));

    /// <summary>The column's bytes (text as UTF-8), valid until the next step or reset.</summary>
    public unsafe ReadOnlySpan<byte> BytesAt(int column)
    {
        // the pointer first, then the length (SQLite's documented order: the length call may convert the value)
        var p = Native.ColumnBlob(_handle, column);
        var length = Native.ColumnBytes(_handle, column);
        return p == 0 ? [] : new ReadOnlySpan<byte>((void*)p, length);
    }

    /// <summary>The rowid of the connection's latest successful INSERT into a rowid table.</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

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

    public void Dispose()
    {
        if (_referenced)
        {
            _stmt.DangerousRelease();
            _referenced = false;
        }
        _stmt.Dispose();
    }

    /// <summary>
    /// The bind calls straight into the e_sqlite3 library SQLitePCLRaw loaded (the same file, so the same library), by
    /// pointer: no SafeHandle reference counting per call. Ten binds per row through SQLitePCLRaw's SafeHandle marshalling
    /// were about 2 % of ingest CPU in perf. (Not <c>SuppressGCTransition</c>: a bind takes SQLite's connection and memory mutexes,
    /// and a call without the transition must not wait on a lock.)
    /// </summary>
    private static class Native
    {
        private const string Library = "e_sqlite3";

        /// <summary>SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.</summary>
        public static readonly nint Transient = -1;

        [DllImport(Library, EntryPoint = "sqlite3_bind_int64", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int BindInt64(nint stmt, int index, long value);

        [DllImport(Library, EntryPoint = "sqlite3_bind_double", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int BindDouble(nint stmt, int index, double value);

        [DllImport(Library, EntryPoint = "sqlite3_bind_null", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int BindNull(nint stmt, int index);

        [DllImport(Library, EntryPoint = "sqlite3_bind_text", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int BindText(nint stmt, int index, in byte text, int length, nint destructor);

        [DllImport(Library, EntryPoint = "sqlite3_column_int64", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern long ColumnInt64(nint stmt, int column);

        [DllImport(Library, EntryPoint = "sqlite3_column_double", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern double ColumnDouble(nint stmt, int column);

        [DllImport(Library, EntryPoint = "sqlite3_column_type", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int ColumnType(nint stmt, int column);

        [DllImport(Library, EntryPoint = "sqlite3_column_blob", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern nint ColumnBlob(nint stmt, int column);

        [DllImport(Library, EntryPoint = "sqlite3_column_bytes", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int ColumnBytes(nint stmt, int column);
    }
}
