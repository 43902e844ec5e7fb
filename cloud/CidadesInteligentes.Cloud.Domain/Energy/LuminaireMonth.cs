using System.Globalization;

namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>
/// One luminaire's energy and burning hours per local day of a month, from its cumulative registers fed in seq order:
/// a register going backwards is a replaced meter (count from zero), a step spanning midnight is split in proportion to
/// time, a step over an hour marks its days as gaps. Built whole by <see cref="FromReadings"/> (any order, duplicates
/// once), or kept up to date by <see cref="Add"/> as readings arrive, which gives the same figures as building it again
/// from all of them (the same steps, added in the same order).
/// </summary>
public sealed partial class LuminaireMonth
{
    private static readonly long MaxGapTicks = TimeSpan.FromHours(1).Ticks;
    private readonly LocalMonth _month;
    private readonly string _device;
    private EnergyReading _last;
    private bool _hasLast;
    private int _cursor;
    private long _minTs = long.MaxValue;
    private long _maxTs = long.MinValue;
    private List<SavingsAdjustment>? _notes;

    public LuminaireMonth(string device, LocalMonth month)
    {
        ArgumentNullException.ThrowIfNull(month);
        _device = device;
        _month = month;
        MeasuredWh = new double[month.Days];
        BurnHours = new double[month.Days];
        Gap = new bool[month.Days];
    }

    public LocalMonth Month => _month;

    /// <summary>Energy measured on each local day of the month (Wh).</summary>
    public double[] MeasuredWh { get; }

    /// <summary>Hours burned on each local day.</summary>
    public double[] BurnHours { get; }

    /// <summary>Days crossed by a step longer than an hour (not complete).</summary>
    public bool[] Gap { get; }

    /// <summary>Whether any reading lies in the month or any step put energy into it.</summary>
    public bool Reported { get; private set; }

    /// <summary>The reading added last (the highest seq), null before the first.</summary>
    public EnergyReading? Last => _hasLast ? _last : null;

    /// <summary>Meters found replaced inside the month, in seq order.</summary>
    public IReadOnlyList<SavingsAdjustment> Notes => _notes ?? (IReadOnlyList<SavingsAdjustment>)[];

    /// <summary>Of the first <paramref name="endedDays"/> days, those with readings at or before 00:00, at or after 24:00 and no gap over 1 h.</summary>
    public int CompleteDays(int endedDays)
    {
        var complete = 0;
        for (var d = 0; d < Math.Min(endedDays, _month.Days); d++)
        {
            if (!Gap[d] && _minTs <= _month.DayStartTicks(d) && _maxTs >= _month.DayStartTicks(d + 1))
            {
                complete++;
            }
        }
        return complete;
    }

    /// <summary>
    /// The month of <paramref name="raw"/> (any order): sorted by seq, a seq given twice counted once (the earliest copy,
    /// then the lowest register, so the result does not depend on delivery order). Null when there is no reading.
    /// <paramref name="buffer"/> is scratch space reused between luminaires.
    /// </summary>
    public static LuminaireMonth? FromReadings(string device, LocalMonth month, IReadOnlyList<EnergyReading>? raw, ref EnergyReading[]? buffer)
    {
        if (raw is null || raw.Count == 0)
        {
            return null;
        }
        if (buffer is null || buffer.Length < raw.Count)
        {
            buffer = new EnergyReading[Math.Max(raw.Count, (buffer?.Length ?? 128) * 2)];
        }
        if (raw is List<EnergyReading> list)
        {
            list.CopyTo(buffer);
        }
        else
        {
            for (var i = 0; i < raw.Count; i++)
            {
                buffer[i] = raw[i];
            }
        }
        var span = buffer.AsSpan(0, raw.Count);
        for (var i = 1; i < span.Length; i++)
        {
            if (span[i].Seq < span[i - 1].Seq)
            {
                span.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
                break;
            }
        }
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
        var energy = new LuminaireMonth(device, month);
        foreach (ref readonly var r in span[..w])
        {
            energy.Add(r);
        }
        return energy;
    }

    /// <summary>
    /// The next reading: its seq must be above <see cref="Last"/>'s (the caller keeps seq order and drops duplicates).
    /// </summary>
    public void Add(in EnergyReading b)
    {
        if (_hasLast && b.Seq <= _last.Seq)
        {
            throw new ArgumentException($"seq {b.Seq} does not follow seq {_last.Seq}: readings must be added in seq order, each once", nameof(b));
        }
        var tb = b.Ts.UtcTicks;
        _minTs = Math.Min(_minTs, tb);
        _maxTs = Math.Max(_maxTs, tb);
        if (tb >= _month.DayStartTicks(0) && tb < _month.DayStartTicks(_month.Days))
        {
            Reported = true;
        }
        if (!_hasLast)
        {
            _last = b;
            _hasLast = true;
            _cursor = _month.DayOfTicks(tb);
            return;
        }
        ref readonly var a = ref _last;
        var ta = a.Ts.UtcTicks;
        var dE = b.EnergyWh - a.EnergyWh;
        var dBurn = b.BurnSeconds - a.BurnSeconds;
        var mid = _month.MidnightTicks;
        var days = _month.Days;
        var cursor = _cursor;
        if (cursor < 0 || cursor >= days || ta < mid[cursor] || ta >= mid[cursor + 1])
        {
            cursor = _month.DayOfTicks(ta);
            _cursor = cursor;
        }
        // hot path (every minute or 15 × a month × thousands of luminaires): a step inside one local day, registers forward
        if (dE >= 0 && dBurn >= 0 && tb > ta && cursor >= 0 && cursor < days && tb <= mid[cursor + 1] && tb - ta <= MaxGapTicks)
        {
            MeasuredWh[cursor] += dE;
            BurnHours[cursor] += dBurn / 3600.0;
            Reported = true;
        }
        else
        {
            Step(a, b);
        }
        _last = b;
    }

    private void Step(in EnergyReading a, in EnergyReading b)
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
            (_notes ??= []).Add(new SavingsAdjustment(_device, b.Ts, SavingsAdjustment.MeterReplaced,
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
