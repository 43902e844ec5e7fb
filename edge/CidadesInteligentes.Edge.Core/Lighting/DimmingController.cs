using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// Runs the dimming program of telemetry contract v1 offline:
/// <list type="bullet">
/// <item>the lamp is on from <c>switchOn</c> (sunset + offset, or a fixed local time) to the next <c>switchOff</c>;</item>
/// <item>within ±<c>windowMin</c> of each switch point the photocell decides, with hysteresis (on below
/// <c>onBelowLux</c>, off only above <c>offAboveLux</c>) so a dark storm can light the lamp early and a bright
/// morning can switch it off early — but never outside the window, so a dirty or failed photocell cannot burn
/// the lamp all day; without a lux reading the astronomical times apply;</item>
/// <item>once on, the lamp stays on for <c>minimumOnMin</c> (headlights on the photocell cannot make it cycle);</item>
/// <item>while on, the level is the <c>steps</c> entry with the latest <c>from</c> at or before the local time,
/// wrapping past midnight (no steps: 100 %); a 0 % step switches the lamp off;</item>
/// <item>an unexpired override wins over all of the above, including the minimum on time.</item>
/// </list>
/// The controller remembers only whether it last decided on and since when; it is not thread-safe.
/// </summary>
public sealed partial class DimmingController
{
    private readonly double _latitudeDeg;
    private readonly double _longitudeDeg;
    private bool _on;
    private DateTimeOffset? _onSince;

    public DimmingController(DimmingProgram program, double latitudeDeg, double longitudeDeg)
    {
        _latitudeDeg = latitudeDeg;
        _longitudeDeg = longitudeDeg;
        UseProgram(program);
    }

    public DimmingProgram Program { get; private set; } = null!;

    /// <summary>The lamp state of the last decision.</summary>
    public bool LampOn => _on;

    /// <summary>Replaces the program (command <c>setProgram</c>); throws when it does not validate.</summary>
    public void UseProgram(DimmingProgram program)
    {
        var problems = ProgramValidator.Validate(program);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid dimming program: " + string.Join("; ", problems), nameof(program));
        }
        Program = program;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        _steps = ParseSteps(program.Steps);
    }

    /// <summary>Decides the lamp state at <paramref name="now"/> from the measured light (null when the sensor failed).</summary>
    public DimmingDecision Decide(DateTimeOffset now, double? lux, LightingOverride? lightingOverride)
    {
        DimmingDecision decision;
        if (lightingOverride is { } o && o.IsActiveAt(now))
        {
            var level = Math.Clamp(o.DimPercent, 0, 100);
            decision = new DimmingDecision(level > 0, level > 0 ? level : 0, DecisionReasons.Override);
        }
        else
        {
            var (wantOn, reason) = ScheduleState(now, lux is { } l && double.IsFinite(l) ? l : null);
            if (!wantOn && _on && _onSince is { } since && now - since < TimeSpan.FromMinutes(Program.MinimumOnMin))
            {
                (wantOn, reason) = (true, DecisionReasons.MinimumOn);
            }
            var level = wantOn ? StepLevel(now) : 0;
            decision = wantOn && level == 0
                ? new DimmingDecision(false, 0, DecisionReasons.StepOff)
                : new DimmingDecision(wantOn, level, reason);
        }
        if (decision.Reason == DecisionReasons.Override)
        {
            _onSince = null; // the minimum on time protects program switching, not an operator's choice
        }
        else if (decision.LampOn && (!_on || _onSince is null))
        {
            _onSince = now;
        }
        _on = decision.LampOn;
        return decision;
    }

    /// <summary>Astronomical state plus photocell, before the minimum on time.</summary>
    private (bool On, string Reason) ScheduleState(DateTimeOffset now, double? lux)
    {
        var window = lux is null || Program.Photocell is null ? TimeSpan.Zero : TimeSpan.FromMinutes(Program.Photocell.WindowMin);
        var today = LocalDate(now);
        foreach (var night in new[] { Night(today.AddDays(-1)), Night(today) })
        {
            if (now < night.On - window || now >= night.Off + window)
            {
                continue;
            }
            var inEveningWindow = window > TimeSpan.Zero && now < night.On + window;
            var inMorningWindow = window > TimeSpan.Zero && now >= night.Off - window;
            if (inEveningWindow || inMorningWindow)
            {
                var photocell = Program.Photocell!;
                var on = _on ? lux!.Value <= photocell.OffAboveLux : lux!.Value < photocell.OnBelowLux;
                return (on, DecisionReasons.Photocell);
            }
            return (true, DecisionReasons.Schedule);
        }
        return (false, DecisionReasons.Schedule);
    }
}
