using Microsoft.Data.Sqlite;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// Process-wide SQLite settings, applied once before the first connection opens (SQLite accepts them only before it
/// initializes). The library is built thread-safe in "serialized" mode, where every call on a connection or a
/// statement (each bind, step and reset) takes the connection's mutex, and every allocation takes the allocator's
/// mutex to keep memory statistics. Neither is needed here: a connection is only ever used by one thread at a time
/// (the writer under the store's write lock, each read on a pooled connection of its own), which is SQLite's
/// "multi-thread" mode, and nothing reads SQLite's memory statistics. The two settings took ~10 % of the ingest
/// path's CPU at fleet scale in lock/unlock calls (docs/performance.md, "ingestor CPU").
/// </summary>
internal static class SqliteLibrary
{
    private const int ConfigMultiThread = 2; // SQLITE_CONFIG_MULTITHREAD
    private const int ConfigMemStatus = 9; // SQLITE_CONFIG_MEMSTATUS

    private static readonly object Gate = new();
    private static bool _configured;

    /// <summary>True when the settings were applied; false when SQLite was already initialized by someone else.</summary>
    public static bool MultiThreaded { get; private set; }

    public static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }
            _configured = true;
            // Microsoft.Data.Sqlite's static constructor loads e_sqlite3 and registers it with SQLitePCLRaw
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
            // SQLITE_MISUSE if the library is already initialized (e.g. a connection opened before any store): then it
            // stays serialized, which is correct, only slower
            MultiThreaded = raw.sqlite3_config(ConfigMultiThread) == raw.SQLITE_OK;
            if (MultiThreaded)
            {
                raw.sqlite3_config(ConfigMemStatus, 0);
            }
        }
    }

    /// <summary>Whether SQLite serializes calls on <paramref name="connection"/> with a mutex (serialized mode).</summary>
    public static bool HasMutex(SqliteConnection connection)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        return DbMutex(db.DangerousGetHandle()) != 0;
    }

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_db_mutex", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint DbMutex(nint db);
}
