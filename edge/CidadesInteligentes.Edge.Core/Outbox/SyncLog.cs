namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Every fsync one outbox makes goes through here (SD cards wear with every sync), so tests can count them:
/// file syncs (a segment, the ack log, a temp file before its rename) and directory syncs (after a create,
/// rename or delete). Thread-safe.
/// </summary>
internal sealed class SyncLog
{
    private long _files;
    private long _directories;

    public long Files => Interlocked.Read(ref _files);

    public long Directories => Interlocked.Read(ref _directories);

    public long Total => Files + Directories;

    public void File(FileStream stream)
    {
        stream.Flush(flushToDisk: true);
        Interlocked.Increment(ref _files);
    }

    /// <summary>Counted even where <see cref="DirectorySync"/> is a no-op (not Linux): the call is what is measured.</summary>
    public void Directory(string path)
    {
        DirectorySync.Flush(path);
        Interlocked.Increment(ref _directories);
    }
}
