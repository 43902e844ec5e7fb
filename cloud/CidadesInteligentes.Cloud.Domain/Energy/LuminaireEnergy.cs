using System.Globalization;

namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>
/// Turns one luminaire's cumulative registers into per-day energy and burning hours for a month:
/// ordered by seq, duplicates once, a register going backwards is a replaced meter (count from zero),
/// a step spanning midnight is split in proportion to time. Reusable buffers: one instance per computation.
/// </summary>
internal sealed class LuminaireEnergy
{
    private static readonly long MaxGapTicks = TimeSpan.FromHours(1).Ticks;
    private readonly LocalMonth _month;
    private readonly int _endedDays;
    private EnergyReading[] _buffer = new EnergyReading[256];

    /// <param name="endedDays">Days of the month that have ended (the month so far); only they can be complete.</param>
    public LuminaireEnergy(LocalMonth month, int endedDays)
    {
        _month = month;
        _endedDays = endedDays;
        MeasuredWh = new double[month.Days];
        BurnHours = new double[month.Days];
        Gap = new bool[month.Days];
    }

    public double[] MeasuredWh { get; }
    public double[] BurnHours { get; }
    public bool[] Gap { get; }
    public bool Reported { get; private set; }
    /// <summary>Days among the ended ones with readings at or before 00:00, at or after 24:00 and no gap over 1 h.</summary>
    public int CompleteDays { get; private set; }

    public void Compute(string device, IReadOnlyList<EnergyReading>? raw, List<SavingsAdjustment> adjustments)
    {
        Array.Clear(MeasuredWh);
        Array.Clear(BurnHours);
        Array.Clear(Gap);
        Reported = false;
        CompleteDays = 0;
        var n = Prepare(raw);
        if (n == 0)
        {
            return;
        }
        var readings = _buffer.AsSpan(0, n);
        var minTs = long.MaxValue;
        var maxTs = long.MinValue;
        var start = _month.DayStartTicks(0);
        var end = _month.DayStartTicks(_month.Days);
        for (var i = 0; i < n; i++)
        {
            var t = readings[i].Ts.UtcTicks;
            minTs = Math.Min(minTs, t);
            maxTs = Math.Max(maxTs, t);
            if (t >= start && t < end)
            {
                Reported = true;
            }
        }
        // hot path (every 15 min × a month × hundreds of luminaires): a step inside one local day, registers forward
        var mid = _month.MidnightTicks;
        var days = _month.Days;
        var measured = MeasuredWh;
        var burn = BurnHours;
        var cursor = _month.DayOfTicks(readings[0].Ts.UtcTicks);
        for (var i = 1; i < n; i++)
        {
            ref readonly var a = ref readings[i - 1];
            ref readonly var b = ref readings[i];
            var ta = a.Ts.UtcTicks;
            var tb = b.Ts.UtcTicks;
            var dE = b.EnergyWh - a.EnergyWh;
            var dBurn = b.BurnSeconds - a.BurnSeconds;
            if (cursor < 0 || cursor >= days || ta < mid[cursor] || ta >= mid[cursor + 1])
            {
                cursor = _month.DayOfTicks(ta);
            }
            if (dE >= 0 && dBurn >= 0 && tb > ta && cursor >= 0 && cursor < days && tb <= mid[cursor + 1] && tb - ta <= MaxGapTicks)
            {
                measured[cursor] += dE;
                burn[cursor] += dBurn / 3600.0;
                Reported = true;
                continue;
            }
            Step(device, a, b, adjustments);
        }
        for (var d = 0; d < _endedDays; d++)
        {
            if (!Gap[d] && minTs <= _month.DayStartTicks(d) && maxTs >= _month.DayStartTicks(d + 1))
            {
                CompleteDays++;
            }
        }
    }

    private int Prepare(IReadOnlyList<EnergyReading>? raw)
    {
        if (raw is null || raw.Count == 0)
        {
            return 0;
        }
        if (_buffer.Length < raw.Count)
        {
            _buffer = new EnergyReading[Math.Max(raw.Count, _buffer.Length * 2)];
        }
        var sorted = true;
        if (raw is List<EnergyReading> list)
        {
            list.CopyTo(_buffer);
        }
        else
        {
            for (var i = 0; i < raw.Count; i++)
            {
                _buffer[i] = raw[i];
            }
        }
        for (var i = 1; i < raw.Count; i++)
        {
            if (_buffer[i].Seq < _buffer[i - 1].Seq)
            {
                sorted = false;
                break;
            }
        }
        var span = _buffer.AsSpan(0, raw.Count);
        if (!sorted)
        {
            span.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        }
        // duplicates (same seq) count once; differing copies: keep the earliest, then lowest register, so the
        // result does not depend on delivery order
        var w = 1;
        for (var i = 1; i < span.Length; i++)
        {
            if (span[i].Seq != span[w - 1].Seq)
            {
                span[w++] = span[i];
            }
            else if ((span[i].Ts, span[i].EnergyWh, span[i].BurnSeconds).CompareTo((span[w - 1].Ts, span[w - 1].EnergyWh, span[w - 1].BurnSeconds)) < 0)
            {
                span[w - 1] = span[i];
            }
        }
        return w;
    }

    private void Step(string device, in EnergyReading a, in EnergyReading b, List<SavingsAdjustment> adjustments)
    {
        var dE = b.EnergyWh - a.EnergyWh;
        var dBurn = b.BurnSeconds - a.BurnSeconds;
        var energyBack = dE < 0;
        var burnBack = dBurn < 0;
        if (energyBack)
        {
            dE = Math.Max(0, b.EnergyWh);
        }
        if (burnBack)
        {
            dBurn = Math.Max(0, b.BurnSeconds);
        }
        var ta = a.Ts.UtcTicks;
        var tb = b.Ts.UtcTicks;
        var dH = dBurn / 3600.0;
        if ((energyBack || burnBack) && b.Ts > _month.Start && b.Ts <= _month.End)
        {
            // name the register that went back: the burn counter (kept by the agent) can restart while the meter goes on
            var energy = energyBack ? string.Create(CultureInfo.InvariantCulture,
                $"register went back from {a.EnergyWh:0.###} Wh to {b.EnergyWh:0.###} Wh (seq {a.Seq}→{b.Seq}); counted {dE:0.###} Wh from zero") : null;
            var burn = burnBack ? string.Create(CultureInfo.InvariantCulture,
                $"burn register went back from {a.BurnSeconds} s to {b.BurnSeconds} s (seq {a.Seq}→{b.Seq}); counted {dBurn} s from zero") : null;
            adjustments.Add(new SavingsAdjustment(device, b.Ts, SavingsAdjustment.MeterReplaced,
                energy is not null && burn is not null ? energy + "; " + burn : energy ?? burn!));
        }
        if (tb <= ta)
        {
            // clock went backwards or repeated: no interval to split, book it where the later reading lies
            var day = _month.DayOfTicks(tb);
            if (day >= 0 && day < _month.Days)
            {
                MeasuredWh[day] += dE;
                BurnHours[day] += dH;
            }
            return;
        }
        var span = (double)(tb - ta);
        var longGap = tb - ta > MaxGapTicks;
        var first = Math.Max(_month.DayOfTicks(ta), 0);
        var last = Math.Min(_month.DayOfTicks(tb), _month.Days - 1);
        for (var d = first; d <= last; d++)
        {
            var from = Math.Max(_month.DayStartTicks(d), ta);
            var to = Math.Min(_month.DayStartTicks(d + 1), tb);
            var overlap = to - from;
            if (overlap <= 0)
            {
                continue;
            }
            if (overlap == tb - ta)
            {
                MeasuredWh[d] += dE;
                BurnHours[d] += dH;
            }
            else
            {
                var share = overlap / span;
                MeasuredWh[d] += dE * share;
                BurnHours[d] += dH * share;
            }
            Reported = true;
            if (longGap)
            {
                Gap[d] = true;
            }
        }
    }
}
