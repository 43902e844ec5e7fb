namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Opens the outbox's files; tests override it to fail like a full or read-only SD card. Unbuffered: each record
/// goes to the kernel in one write, and a write the card refuses leaves the stream's position where the last whole
/// record ended, so the record can be written there again. A buffered stream keeps the part of a refused record that
/// fitted its buffer and writes it later, in the middle of the file, with the records after it unreadable.
/// </summary>
internal class OutboxFiles
{
    public static readonly OutboxFiles Default = new();

    /// <summary>Opens <paramref name="path"/> for appending, creating it when missing.</summary>
    public virtual FileStream OpenAppend(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);

    /// <summary>Creates <paramref name="path"/> empty (or empties it) for writing.</summary>
    public virtual FileStream Create(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);

    /// <summary>Opens an existing <paramref name="path"/> for writing in place (recovery cuts off a torn tail).</summary>
    public virtual FileStream OpenExisting(string path) => new(path, FileMode.Open, FileAccess.Write, FileShare.Read);

    /// <summary>Deletes <paramref name="path"/> (a leftover temp file, a segment whose messages are all acked).</summary>
    public virtual void Delete(string path) => File.Delete(path);

    /// <summary>What a full, read-only or failing card throws (ENOSPC, EROFS, EIO, EACCES).</summary>
    public static bool IsRefusal(Exception e) => e is IOException or UnauthorizedAccessException;
}
