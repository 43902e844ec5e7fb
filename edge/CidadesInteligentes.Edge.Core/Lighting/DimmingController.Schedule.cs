using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Lighting;

public sealed partial class DimmingController
{
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private (TimeOnly From, int DimPercent)[] _steps = [];

    /// <summary>Switch-on of the evening of local date <paramref name="date"/> and the next switch-off after it (UTC).</summary>
    internal (DateTimeOffset On, DateTimeOffset Off) Night(DateOnly date)
    {
        var on = Resolve(Program.SwitchOn, date);
        var off = Resolve(Program.SwitchOff, date);
        if (off <= on)
        {
            off = Resolve(Program.SwitchOff, date.AddDays(1));
        }
        return (on, off);
    }

    private DateOnly LocalDate(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _zone).DateTime);

    private DateTimeOffset Resolve(SwitchPoint point, DateOnly date)
    {
        DateTimeOffset at;
        if (point.At is "sunset" or "sunrise")
        {
            var offset = _zone.GetUtcOffset(date.ToDateTime(new TimeOnly(12, 0)));
            var sun = SolarCalculator.Calculate(_latitudeDeg, _longitudeDeg, date, offset);
            var instant = point.At == "sunset" ? sun.Sunset : sun.Sunrise;
            // Polar day or night: fall back to 18:00 / 06:00 local so the lamp still follows a day.
            at = instant ?? LocalToUtc(date, point.At == "sunset" ? new TimeOnly(18, 0) : new TimeOnly(6, 0));
        }
        else
        {
            ProgramValidator.TryParseTime(point.At, out var time);
            at = LocalToUtc(date, time);
        }
        return at.AddMinutes(point.OffsetMin);
    }

    private DateTimeOffset LocalToUtc(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (_zone.IsInvalidTime(local))
        {
            local = local.AddHours(1); // skipped by a daylight-saving jump: use the first valid minute after it
        }
        return new DateTimeOffset(local, _zone.GetUtcOffset(local));
    }

    private int StepLevel(DateTimeOffset now)
    {
        if (_steps.Length == 0)
        {
            return 100;
        }
        var tod = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _zone).DateTime);
        var level = _steps[^1].DimPercent; // before the first step of the day, last night's latest step still holds
        foreach (var (from, dim) in _steps)
        {
            if (from <= tod)
            {
                level = dim;
            }
        }
        return level;
    }

    /// <summary>The steps by start time (steps starting at the same time keep their order).</summary>
    private static (TimeOnly From, int DimPercent)[] ParseSteps(List<DimStep>? steps)
    {
        var parsed = new (TimeOnly From, int Order, int DimPercent)[steps?.Count ?? 0];
        for (var i = 0; i < parsed.Length; i++)
        {
            parsed[i] = (ProgramValidator.TryParseTime(steps![i].From, out var t) ? t : TimeOnly.MinValue, i, steps[i].DimPercent);
        }
        Array.Sort(parsed); // by time, then by position in the program
        return Array.ConvertAll(parsed, static s => (s.From, s.DimPercent));
    }
}
