namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>A luminaire's month written to and read from bytes (the cloud keeps the months it holds on disk).</summary>
public sealed partial class LuminaireMonth
{
    /// <summary>
    /// Writes everything this month carries (per-day figures, the last reading and the month's time range, notes), so
    /// that <see cref="ReadFrom"/> gives a month that goes on with <see cref="Add"/> exactly as this one would. Used to
    /// keep the months of a city on disk, so a restart does not read them whole again.
    /// </summary>
    public void WriteTo(BinaryWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.Write(Reported);
        w.Write(_hasLast);
        w.Write(_last.Seq);
        w.Write(_last.Ts.UtcTicks);
        w.Write(_last.EnergyWh);
        w.Write(_last.BurnSeconds);
        w.Write(_cursor);
        w.Write(_minTs);
        w.Write(_maxTs);
        w.Write(_month.Days);
        for (var d = 0; d < _month.Days; d++)
        {
            w.Write(MeasuredWh[d]);
            w.Write(BurnHours[d]);
            w.Write(Gap[d]);
        }
        w.Write(_notes?.Count ?? 0);
        foreach (var n in _notes ?? [])
        {
            w.Write(n.At.UtcTicks);
            w.Write(n.Kind);
            w.Write(n.Detail);
        }
    }

    /// <summary>A month written by <see cref="WriteTo"/> for <paramref name="device"/> and <paramref name="month"/>.</summary>
    /// <exception cref="InvalidDataException">The data is not a month of that length.</exception>
    public static LuminaireMonth ReadFrom(BinaryReader r, string device, LocalMonth month)
    {
        ArgumentNullException.ThrowIfNull(r);
        var m = new LuminaireMonth(device, month)
        {
            Reported = r.ReadBoolean(),
            _hasLast = r.ReadBoolean(),
        };
        m._last = new EnergyReading(r.ReadInt64(), new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero), r.ReadDouble(), r.ReadInt64());
        m._cursor = r.ReadInt32();
        m._minTs = r.ReadInt64();
        m._maxTs = r.ReadInt64();
        if (r.ReadInt32() != month.Days)
        {
            throw new InvalidDataException($"the stored month of {device} has another number of days than {month.Label}");
        }
        for (var d = 0; d < month.Days; d++)
        {
            m.MeasuredWh[d] = r.ReadDouble();
            m.BurnHours[d] = r.ReadDouble();
            m.Gap[d] = r.ReadBoolean();
        }
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            (m._notes ??= []).Add(new SavingsAdjustment(device, new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero), r.ReadString(), r.ReadString()));
        }
        return m;
    }
}
