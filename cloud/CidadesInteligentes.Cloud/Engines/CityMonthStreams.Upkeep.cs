namespace CidadesInteligentes.Cloud.Engines;

/// <summary>Keeping the months held up to date: the rows committed since, and what goes when too much is held.</summary>
internal abstract partial class CityMonthStreams<TData, TRow>
{
    /// <summary>Adds every row committed since the last call to the months held.</summary>
    private void CatchUp()
    {
        var max = MaxRowId();
        if (_months.Count == 0 || max - _appliedId > MaxCatchUpRows)
        {
            _months.Clear();
            _byCity.Clear();
            _held = 0;
            _appliedId = max;
            return;
        }
        while (_appliedId < max)
        {
            var upTo = Math.Min(max, _appliedId + CatchUpRange);
            foreach (var (city, device, row) in RowsBetween(_appliedId, upTo))
            {
                if (!_byCity.TryGetValue(city, out var months))
                {
                    continue;
                }
                foreach (var m in months)
                {
                    if (!m.Stale)
                    {
                        Add(m, device, row);
                    }
                }
            }
            _appliedId = upTo;
        }
    }

    private void Add(Held m, string device, in TRow row)
    {
        if (Apply(m, device, row))
        {
            RowsAdded++;
            m.Changes++;
            if (RowsTakeMemory)
            {
                m.Size++;
                _held++;
            }
        }
    }

    private void Evict(DateTimeOffset now, Held keep)
    {
        if (_held <= MaxHeld && _months.Count < MaxMonths && !_months.Values.Any(m => now - m.LastUsed > Unused))
        {
            return;
        }
        foreach (var m in _months.Values.OrderBy(m => m.LastUsed).ToList())
        {
            if (m != keep && (now - m.LastUsed > Unused || _held > MaxHeld || _months.Count >= MaxMonths))
            {
                Remove(m);
            }
        }
    }

    private void Remove(Held m)
    {
        _months.Remove((m.City, m.Month.Label));
        if (_byCity.TryGetValue(m.City, out var list))
        {
            list.Remove(m);
            if (list.Count == 0)
            {
                _byCity.Remove(m.City);
            }
        }
        _held -= m.Size;
    }
}
