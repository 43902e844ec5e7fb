using System.Buffers.Binary;
using System.Text;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Per-counter ceilings persisted before any number below them is handed out: after a crash the counter resumes
/// above the ceiling, so a seq (or record id) is never reused, at the cost of a gap. One fsync per block.
/// </summary>
internal sealed class SeqHighWaterMark
{
    private readonly string _path;
    private readonly Dictionary<string, long> _ceilings = new(StringComparer.Ordinal);

    public SeqHighWaterMark(string path)
    {
        _path = path;
        if (File.Exists(path))
        {
            RecordFile.ReadAll(path, Decode);
        }
    }

    public long Ceiling(string counter) => _ceilings.GetValueOrDefault(counter);

    public IEnumerable<string> Counters => _ceilings.Keys;

    /// <summary>Makes sure <paramref name="value"/> is covered by the persisted ceiling.</summary>
    public void Reserve(string counter, long value, int block)
    {
        if (value <= Ceiling(counter))
        {
            return;
        }
        _ceilings[counter] = value + block - 1;
        Persist();
    }

    private void Persist()
    {
        using var body = new MemoryStream();
        Span<byte> number = stackalloc byte[8];
        foreach (var (name, ceiling) in _ceilings)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            body.WriteByte((byte)bytes.Length);
            body.Write(bytes);
            BinaryPrimitives.WriteInt64LittleEndian(number, ceiling);
            body.Write(number);
        }
        RecordFile.ReplaceAtomically(_path, RecordFile.Frame(body.ToArray()));
    }

    private void Decode(ReadOnlyMemory<byte> record)
    {
        var span = record.Span;
        while (span.Length > 0)
        {
            int length = span[0];
            var name = Encoding.UTF8.GetString(span.Slice(1, length));
            _ceilings[name] = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(1 + length, 8));
            span = span[(9 + length)..];
        }
    }
}
