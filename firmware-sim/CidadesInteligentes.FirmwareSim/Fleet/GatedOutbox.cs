using System.Globalization;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Outbox;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>
/// The device's real outbox with a simulated link in front: while <see cref="LinkUp"/> is false the uplink sees
/// nothing to send, so messages pile up on the device exactly as during a link, broker or supply outage and drain
/// afterwards with their original timestamps. Counts every message the device queued.
/// With <paramref name="seqFile"/> the per-stream seqs survive a restart of the simulator (the contract's "persisted on
/// the device"): numbers are reserved in blocks of <see cref="SeqBlock"/> before they are handed out, and the exact last
/// ones are written by <see cref="Flush"/>; after a crash the next run continues above the reservation (a gap, never a
/// seq the cloud already has and would drop as a duplicate). Read it back with <see cref="ReadSeqs"/>.
/// </summary>
public sealed class GatedOutbox(IOutbox inner, string? seqFile = null) : IOutbox
{
    public const int SeqBlock = 1000;

    private readonly Lock _seqGate = new();
    private readonly Dictionary<string, long> _reserved = seqFile is null ? [] : ReadSeqs(seqFile);
    private bool _unflushed;
    private long _queued;

    public volatile bool LinkUp = true;

    public long Queued => Interlocked.Read(ref _queued);

    public int PendingCount => inner.PendingCount;

    public OutboxMessage Enqueue(string stream, string topic, DateTimeOffset ts, Func<long, ReadOnlyMemory<byte>> buildPayload)
    {
        Interlocked.Increment(ref _queued);
        if (seqFile is null)
        {
            return inner.Enqueue(stream, topic, ts, buildPayload);
        }
        return inner.Enqueue(stream, topic, ts, seq =>
        {
            Reserve(stream, seq);
            return buildPayload(seq);
        });
    }

    public IReadOnlyList<OutboxMessage> Peek(int max, long afterId = 0) => LinkUp ? inner.Peek(max, afterId) : [];

    public bool Ack(long id) => inner.Ack(id);

    public long LastSeq(string stream) => inner.LastSeq(stream);

    public OutboxDrops TakeOverflowCount() => inner.TakeOverflowCount();

    /// <summary>Writes the last seq of every stream used (on a clean stop), so the next run continues without a gap.</summary>
    public void Flush()
    {
        if (seqFile is null)
        {
            return;
        }
        lock (_seqGate)
        {
            if (!_unflushed)
            {
                return;
            }
            foreach (var stream in _reserved.Keys.ToList())
            {
                _reserved[stream] = inner.LastSeq(stream);
            }
            Write(seqFile, _reserved);
            _unflushed = false;
        }
    }

    /// <summary>The <c>stream seq</c> lines of <paramref name="path"/> (empty when there is no file yet).</summary>
    public static Dictionary<string, long> ReadSeqs(string path)
    {
        var seqs = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return seqs;
        }
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) && seq >= 0)
            {
                seqs[parts[0]] = seq;
            }
        }
        return seqs;
    }

    private void Reserve(string stream, long seq)
    {
        lock (_seqGate)
        {
            _unflushed = true;
            if (seq <= _reserved.GetValueOrDefault(stream))
            {
                return;
            }
            _reserved[stream] = seq + SeqBlock - 1;
            Write(seqFile!, _reserved);
        }
    }

    private static void Write(string path, Dictionary<string, long> seqs)
    {
        var temp = path + ".tmp";
        File.WriteAllLines(temp, seqs.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}")));
        File.Move(temp, path, overwrite: true);
    }
}
