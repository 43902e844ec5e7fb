using System.Buffers.Binary;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Framing shared by segments and the ack log: [u32 length][u32 crc32 of body][body], little-endian.
/// A record whose header or body is incomplete, or whose CRC does not match, is either a torn tail left by a crash
/// or power cut mid-write (nothing intact after it; the file is truncated there so the next append starts on a record
/// boundary) or bytes the card corrupted (intact records after it; skipped, and reported).
/// </summary>
internal static class RecordFile
{
    public const int HeaderBytes = 8;
    public const int MaxBodyBytes = 1024 * 1024;

    public static byte[] Frame(ReadOnlySpan<byte> body)
    {
        var record = new byte[HeaderBytes + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.Compute(body));
        body.CopyTo(record.AsSpan(HeaderBytes));
        return record;
    }

    /// <summary>
    /// Reads every intact record: its frame checks (length within the limit and the file, CRC) and
    /// <paramref name="onRecord"/> accepts its body. Bytes that are not one are skipped up to the next intact record,
    /// found by trying every following offset (a stray match needs a 32-bit CRC to agree by chance). Skipped bytes with
    /// no intact record after them are the torn tail, truncated; a file with skipped bytes between its records is
    /// replaced by a copy of its intact records, so the damage is read (and reported) once.
    /// </summary>
    public static RecordFileDamage ReadAll(string path, Func<ReadOnlyMemory<byte>, bool> onRecord, SyncLog syncs, OutboxFiles files)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        var end = 0; // just past the last intact record
        long damaged = 0;
        var spans = 0;
        MemoryStream? intact = null; // the intact records, once damage was found between them
        while (bytes.Length - offset >= HeaderBytes)
        {
            if (TryFrameAt(bytes, offset, out var body) && onRecord(body))
            {
                if (offset > end)
                {
                    if (intact is null)
                    {
                        intact = new MemoryStream(bytes.Length);
                        intact.Write(bytes, 0, end); // the records before the first damage, contiguous
                    }
                    damaged += offset - end;
                    spans++;
                }
                var next = offset + HeaderBytes + body.Length;
                intact?.Write(bytes, offset, next - offset);
                offset = end = next;
            }
            else
            {
                offset++;
            }
        }
        var torn = bytes.Length - end;
        if (intact is not null && TryReplace(path, intact, syncs, files))
        {
            return new RecordFileDamage(torn, damaged, spans);
        }
        if (torn > 0)
        {
            try
            {
                using var stream = files.OpenExisting(path);
                stream.SetLength(end);
                syncs.File(stream);
            }
            catch (Exception e) when (OutboxFiles.IsRefusal(e))
            {
                // a read-only card: the torn tail stays; the caller must not append after it
                return new RecordFileDamage(torn, damaged, spans, e);
            }
        }
        return new RecordFileDamage(torn, damaged, spans);
    }

    /// <summary>Replaces a damaged file by its intact records; false when the card refuses (the damage is then read again next time).</summary>
    private static bool TryReplace(string path, MemoryStream intact, SyncLog syncs, OutboxFiles files)
    {
        using (intact)
        {
            try
            {
                ReplaceAtomically(path, intact.GetBuffer().AsSpan(0, (int)intact.Length), syncs, files);
                return true;
            }
            catch (Exception e) when (OutboxFiles.IsRefusal(e))
            {
                return false;
            }
        }
    }

    private static bool TryFrameAt(byte[] bytes, int offset, out ReadOnlyMemory<byte> body)
    {
        body = default;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
        // No record has an empty body: eight zero bytes (a block the card never wrote) would otherwise pass as one.
        if (length == 0 || length > MaxBodyBytes || length > bytes.Length - offset - HeaderBytes)
        {
            return false;
        }
        body = bytes.AsMemory(offset + HeaderBytes, (int)length);
        return Crc32.Compute(body.Span) == BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
    }

    /// <summary>
    /// Replaces a small file atomically: write a temp file, fsync it, rename over the old one. Two fsyncs: the file and
    /// its directory. When the card refuses the copy the old file stays as it was and the partial copy is deleted.
    /// </summary>
    public static void ReplaceAtomically(string path, ReadOnlySpan<byte> content, SyncLog syncs, OutboxFiles files)
    {
        var temp = path + ".tmp";
        try
        {
            using var stream = files.Create(temp);
            stream.Write(content);
            syncs.File(stream);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            try
            {
                File.Delete(temp); // it would only hold on to the room the card lacks
            }
            catch (Exception again) when (OutboxFiles.IsRefusal(again))
            {
            }
            throw;
        }
        File.Move(temp, path, overwrite: true);
        syncs.Directory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}

/// <summary>What <see cref="RecordFile.ReadAll"/> left out of a file.</summary>
/// <param name="TornBytes">Cut off its end: a record a crash or power cut left half-written. Normal after one.</param>
/// <param name="DamagedBytes">Skipped between intact records: corrupted on the card.</param>
/// <param name="DamagedSpans">How many separate places those bytes were in.</param>
/// <param name="CutRefused">What the card threw when the torn tail could not be cut off (read-only); null otherwise.</param>
internal readonly record struct RecordFileDamage(long TornBytes, long DamagedBytes, int DamagedSpans, Exception? CutRefused = null);
