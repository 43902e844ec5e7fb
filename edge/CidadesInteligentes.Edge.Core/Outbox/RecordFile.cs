using System.Buffers.Binary;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Framing shared by segments and the ack log: [u32 length][u32 crc32 of body][body], little-endian.
/// A record whose header or body is incomplete, or whose CRC does not match, is a torn tail left by a crash
/// or power cut mid-write; the file is truncated there so the next append starts on a record boundary.
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

    /// <summary>Reads every intact record; truncates the file after the last one. Returns the bytes cut off.</summary>
    public static long ReadAll(string path, Action<ReadOnlyMemory<byte>> onRecord, SyncLog syncs)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        while (bytes.Length - offset >= HeaderBytes)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            if (length > MaxBodyBytes || length > bytes.Length - offset - HeaderBytes)
            {
                break;
            }
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
            var body = bytes.AsMemory(offset + HeaderBytes, (int)length);
            if (Crc32.Compute(body.Span) != crc)
            {
                break;
            }
            onRecord(body);
            offset += HeaderBytes + (int)length;
        }
        var torn = bytes.Length - offset;
        if (torn > 0)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
            stream.SetLength(offset);
            syncs.File(stream);
        }
        return torn;
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
