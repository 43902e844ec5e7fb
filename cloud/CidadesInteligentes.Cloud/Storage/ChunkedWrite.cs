using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// A multi-row INSERT (or upsert) of the ingest path: rows are bound into a prepared statement of
/// <see cref="SqliteStore.RowsPerInsert"/> value tuples, which runs each time it is full; <see cref="Flush"/> writes
/// what is left one row per statement. Fewer, larger statements are what keep SQLite's per-statement cost off each
/// message (docs/performance.md, "ingestor CPU"). Used only under the store's write lock, one batch at a time:
/// <see cref="Begin"/> forgets the rows of a batch that failed half-way.
/// </summary>
/// <typeparam name="T">A row as the caller holds it.</typeparam>
internal sealed class ChunkedWrite<T> : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly string _head;
    private readonly string _tail;
    private readonly int _columns;
    private readonly Action<PreparedStatement, int, T> _bind;
    private readonly T[] _pending = new T[SqliteStore.RowsPerInsert];
    private PreparedStatement? _chunk;
    private PreparedStatement? _single;
    private int _count;

    /// <param name="db">The writer connection.</param>
    /// <param name="head">The statement up to and including <c>VALUES </c>.</param>
    /// <param name="columns">Parameters per row.</param>
    /// <param name="tail">What follows the values (an <c>ON CONFLICT</c> clause), or empty.</param>
    /// <param name="bind">Binds a row's parameters from the given offset: <c>offset + 1</c> … <c>offset + columns</c>.</param>
    public ChunkedWrite(SqliteConnection db, string head, int columns, string tail, Action<PreparedStatement, int, T> bind)
    {
        _db = db;
        _head = head;
        _tail = tail;
        _columns = columns;
        _bind = bind;
    }

    /// <summary>The rowid of the connection's latest INSERT into a rowid table (after <see cref="Flush"/>).</summary>
    public long LastInsertRowId => (_chunk ?? _single)?.LastInsertRowId ?? 0;

    public void Begin()
    {
        Array.Clear(_pending, 0, _count);
        _count = 0;
    }

    public void Add(T row)
    {
        _chunk ??= new PreparedStatement(_db, _head + ValueRows(SqliteStore.RowsPerInsert, _columns) + _tail);
        _bind(_chunk, _count * _columns, row);
        _pending[_count++] = row;
        if (_count == SqliteStore.RowsPerInsert)
        {
            _chunk.Execute();
            Begin();
        }
    }

    /// <summary>Writes the rows of an unfilled chunk, one statement each.</summary>
    public void Flush()
    {
        for (var k = 0; k < _count; k++)
        {
            _single ??= new PreparedStatement(_db, _head + ValueRows(1, _columns) + _tail);
            _bind(_single, 0, _pending[k]);
            _single.Execute();
        }
        Begin();
    }

    /// <summary>The VALUES list of a multi-row INSERT: <paramref name="rows"/> tuples of numbered parameters ?1, ?2, ….</summary>
    private static string ValueRows(int rows, int columns) =>
        string.Join(", ", Enumerable.Range(0, rows).Select(r =>
            "(" + string.Join(", ", Enumerable.Range((r * columns) + 1, columns).Select(static p => "?" + p.ToString(CultureInfo.InvariantCulture))) + ")"));

    public void Dispose()
    {
        _chunk?.Dispose();
        _single?.Dispose();
    }
}
