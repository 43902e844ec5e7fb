using System.Buffers.Binary;
using System.Text;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Per-counter ceilings persisted before any number below them is handed out: after a crash the counter resumes
/// above the ceiling, so a seq (or record id) is never reused, at the cost of a gap. Counters reserved together
/// are persisted together: one atomic replace (two fsyncs, file and directory) per block. The file holds the same
/// record twice, so bytes the card corrupts in one copy leave the other; when neither is left the owner skips ahead
/// (<see cref="RaiseFloor"/>).
/// </summary>
internal sealed class SeqHighWaterMark
{
    private readonly string _path;
    private readonly SyncLog _syncs;
    private readonly OutboxFiles _files;
    private readonly Dictionary<string, long> _ceilings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _onCard = new(StringComparer.Ordinal);
    private bool _changed;
    private int _intactRecords;

    public SeqHighWaterMark(string path, SyncLog syncs, OutboxFiles files)
    {
        _path = path;
        _syncs = syncs;
        _files = files;
        Missing = !File.Exists(path);
        if (!Missing)
        {
            var damage = RecordFile.ReadAll(path, Decode, syncs, files);
            CutRefused = damage.CutRefused;
            Damaged = damage.DamagedBytes > 0 || damage.TornBytes > 0 || _intactRecords == 0;
        }
        Copy(_ceilings, _onCard);
    }

    /// <summary>There was no file (a new outbox, or one the card lost).</summary>
    public bool Missing { get; }

    /// <summary>The file was damaged (it is only ever replaced whole, so even a torn tail is damage).</summary>
    public bool Damaged { get; }

    /// <summary>The file was damaged and no intact copy of the ceilings was left in it.</summary>
    public bool Lost => Damaged && _intactRecords == 0;

    /// <summary>What the card threw when reading the file had a torn tail to cut off (read-only); null otherwise.</summary>
    public Exception? CutRefused { get; }

    /// <summary>The file, as read.</summary>
    public string Path => _path;

    public long Ceiling(string counter) => _ceilings.GetValueOrDefault(counter);

    public IEnumerable<string> Counters => _ceilings.Keys;

    /// <summary>A <see cref="Reserve"/> raised a ceiling that is not on the card yet.</summary>
    public bool Pending => _changed;

    /// <summary>Raises the ceiling of <paramref name="counter"/> to cover <paramref name="value"/>; <see cref="Persist"/> before using it.</summary>
    public void Reserve(string counter, long value, int block)
    {
        if (value <= Ceiling(counter))
        {
            return;
        }
        _ceilings[counter] = value + block - 1;
        _changed = true;
    }

    /// <summary>
    /// Sets <paramref name="counter"/> to at least <paramref name="value"/> and marks the ceilings for writing. Unlike
    /// <see cref="Reserve"/> the value survives <see cref="Forget"/>: it is the least the card must hold (after a skip
    /// ahead, or to write the file of a new outbox), written with the next <see cref="Persist"/>.
    /// </summary>
    public void RaiseFloor(string counter, long value)
    {
        if (value > _ceilings.GetValueOrDefault(counter, -1))
        {
            _ceilings[counter] = value;
        }
        if (value > _onCard.GetValueOrDefault(counter, -1))
        {
            _onCard[counter] = value;
        }
        _changed = true;
    }

    /// <summary>Marks the ceilings for writing (both copies), e.g. after one copy was found damaged.</summary>
    public void MarkForWriting() => _changed = true;

    /// <summary>
    /// Writes the ceilings if a <see cref="Reserve"/> raised one since the last write. When the card refuses the write
    /// the raised ceilings are forgotten (<see cref="Forget"/>) and the error is thrown: nothing above the ceilings on
    /// the card may be handed out, or a crash would let it be handed out again.
    /// </summary>
    public void Persist()
    {
        if (!_changed)
        {
            return;
        }
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
        try
        {
            var record = RecordFile.Frame(body.ToArray());
            var twice = new byte[2 * record.Length]; // two copies: a damaged one leaves the other
            record.CopyTo(twice, 0);
            record.CopyTo(twice, record.Length);
            RecordFile.ReplaceAtomically(_path, twice, _syncs, _files);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            Forget();
            throw;
        }
        Copy(_ceilings, _onCard);
        _changed = false;
    }

    /// <summary>Drops the ceilings raised since the last write: back to the ones on the card.</summary>
    public void Forget()
    {
        Copy(_onCard, _ceilings);
        _changed = false;
    }

    private static void Copy(Dictionary<string, long> from, Dictionary<string, long> to)
    {
        to.Clear();
        foreach (var (name, ceiling) in from)
        {
            to[name] = ceiling;
        }
    }

    /// <summary>Takes the ceilings of one record; false (and none taken) when it does not parse.</summary>
    private bool Decode(ReadOnlyMemory<byte> record)
    {
        var span = record.Span;
        var ceilings = new Dictionary<string, long>(StringComparer.Ordinal);
        while (span.Length > 0)
        {
            int length = span[0];
            if (span.Length < 1 + length + 8)
            {
                return false;
            }
            ceilings[Encoding.UTF8.GetString(span.Slice(1, length))] = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(1 + length, 8));
            span = span[(9 + length)..];
        }
        Copy(ceilings, _ceilings);
        _intactRecords++;
        return true;
    }
}
