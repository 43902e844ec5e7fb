using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Storage;

/// <summary>
/// The seqs stored for one device's telemetry stream, as sorted, disjoint, non-adjacent closed ranges. A device's
/// outbox numbers its messages 1, 2, 3, … and drains them in order, so the set is nearly always one range; a seq the
/// device dropped (outbox overflow) leaves a gap, and a late message that fills one merges its neighbours again.
/// Stored in <c>seq_sets</c> as text, e.g. <c>1-1440,1443-2880</c>.
/// </summary>
internal sealed class SeqSet
{
    private readonly List<(long Lo, long Hi)> _ranges;

    public SeqSet() => _ranges = [];

    private SeqSet(List<(long Lo, long Hi)> ranges) => _ranges = ranges;

    public int RangeCount => _ranges.Count;

    public IReadOnlyList<(long Lo, long Hi)> Ranges => _ranges;

    /// <summary>Reads the stored text. Ranges may come in any order and overlap (a hand-made or back-filled value): they are merged.</summary>
    public static SeqSet Parse(string text)
    {
        var list = new List<(long Lo, long Hi)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // a seq is non-negative, so the first '-' after the first character separates the bounds
            var dash = part.IndexOf('-', 1);
            var lo = long.Parse(dash < 0 ? part : part[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
            var hi = dash < 0 ? lo : long.Parse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            if (hi < lo)
            {
                throw new FormatException($"seq range '{part}' ends before it starts");
            }
            list.Add((lo, hi));
        }
        list.Sort();
        var merged = new List<(long Lo, long Hi)>(list.Count);
        foreach (var r in list)
        {
            if (merged.Count > 0 && r.Lo <= merged[^1].Hi + 1)
            {
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, r.Hi));
            }
            else
            {
                merged.Add(r);
            }
        }
        return new SeqSet(merged);
    }

    public SeqSet Clone() => new([.. _ranges]);

    public bool Contains(long seq)
    {
        var i = IndexAtOrBefore(seq);
        return i >= 0 && seq <= _ranges[i].Hi;
    }

    /// <summary>
    /// Adds <paramref name="seq"/> if it is the next seq of the last range (what a device draining its outbox in order
    /// sends nearly every time); false, changing nothing, otherwise. Such a change is all <c>seq_sets</c> does not
    /// record: the stored last range reaches up to the device's highest roll-up seq (<see cref="ExtendLastTo"/>).
    /// </summary>
    public bool TryExtendLast(long seq)
    {
        var n = _ranges.Count;
        if (n == 0 || seq != _ranges[n - 1].Hi + 1)
        {
            return false;
        }
        _ranges[n - 1] = (_ranges[n - 1].Lo, seq);
        return true;
    }

    /// <summary>
    /// The set as stored, completed: its last range raised to <paramref name="top"/> (the device's highest seq in its
    /// roll-ups) when that is higher. Every seq from the stored last range up to it was added by <see cref="TryExtendLast"/>.
    /// </summary>
    public SeqSet ExtendLastTo(long? top)
    {
        var n = _ranges.Count;
        if (n > 0 && top is { } t && t > _ranges[n - 1].Hi)
        {
            _ranges[n - 1] = (_ranges[n - 1].Lo, t);
        }
        return this;
    }

    /// <summary>Adds <paramref name="seq"/>; false if it was already in the set.</summary>
    public bool Add(long seq)
    {
        // the common case, the next seq of the last range, without a search
        var n = _ranges.Count;
        if (n > 0 && seq == _ranges[n - 1].Hi + 1)
        {
            _ranges[n - 1] = (_ranges[n - 1].Lo, seq);
            return true;
        }
        var i = IndexAtOrBefore(seq);
        if (i >= 0 && seq <= _ranges[i].Hi)
        {
            return false;
        }
        var joinsLeft = i >= 0 && _ranges[i].Hi + 1 == seq;
        var joinsRight = i + 1 < n && _ranges[i + 1].Lo == seq + 1;
        if (joinsLeft && joinsRight)
        {
            _ranges[i] = (_ranges[i].Lo, _ranges[i + 1].Hi);
            _ranges.RemoveAt(i + 1);
        }
        else if (joinsLeft)
        {
            _ranges[i] = (_ranges[i].Lo, seq);
        }
        else if (joinsRight)
        {
            _ranges[i + 1] = (seq, _ranges[i + 1].Hi);
        }
        else
        {
            _ranges.Insert(i + 1, (seq, seq));
        }
        return true;
    }

    /// <summary>The smallest of the set's <paramref name="count"/> highest seqs (the lowest seq if it has fewer).</summary>
    public long LowestOfNewest(long count)
    {
        for (var i = _ranges.Count - 1; i >= 0; i--)
        {
            var (lo, hi) = _ranges[i];
            if (hi - lo + 1 >= count)
            {
                return hi - count + 1;
            }
            count -= hi - lo + 1;
        }
        return _ranges.Count == 0 ? 1 : _ranges[0].Lo;
    }

    /// <summary>The stored text (as <see cref="ToString"/>) in UTF-8; false if it does not fit <paramref name="destination"/>.</summary>
    public bool TryFormatUtf8(Span<byte> destination, out int written)
    {
        written = 0;
        foreach (var (lo, hi) in _ranges)
        {
            if (written > 0)
            {
                if (written >= destination.Length)
                {
                    return false;
                }
                destination[written++] = (byte)',';
            }
            if (!lo.TryFormat(destination[written..], out var n, default, CultureInfo.InvariantCulture))
            {
                return false;
            }
            written += n;
            if (hi != lo)
            {
                if (written >= destination.Length)
                {
                    return false;
                }
                destination[written++] = (byte)'-';
                if (!hi.TryFormat(destination[written..], out n, default, CultureInfo.InvariantCulture))
                {
                    return false;
                }
                written += n;
            }
        }
        return true;
    }

    /// <summary>Bytes the UTF-8 text can take at most: two 19-digit bounds, a dash and a comma per range.</summary>
    public int MaxUtf8Length => _ranges.Count * 40;

    public override string ToString()
    {
        var text = new byte[MaxUtf8Length];
        TryFormatUtf8(text, out var written);
        return Encoding.UTF8.GetString(text, 0, written);
    }

    /// <summary>Index of the last range starting at or before <paramref name="seq"/>, or -1.</summary>
    private int IndexAtOrBefore(long seq)
    {
        int lo = 0, hi = _ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ranges[mid].Lo <= seq)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }
}
