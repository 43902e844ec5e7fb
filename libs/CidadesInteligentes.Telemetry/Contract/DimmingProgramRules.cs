using System.Globalization;

namespace CidadesInteligentes.Telemetry.Contract;

/// <summary>
/// The rules of a dimming program (the <c>setProgram</c> command), listing every problem at once: the device checks a
/// program before it stores it, and the cloud before it sends one.
/// </summary>
public static class DimmingProgramRules
{
    public const int MaxSteps = 48;

    public static IReadOnlyList<string> Validate(DimmingProgram? program)
    {
        var problems = new List<string>();
        if (program is null)
        {
            problems.Add("program is missing");
            return problems;
        }
        if (string.IsNullOrWhiteSpace(program.Name))
        {
            problems.Add("name is empty");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(program.TimeZone ?? string.Empty, out _))
        {
            problems.Add($"timeZone '{program.TimeZone}' is not a known IANA time zone");
        }
        CheckSwitch("switchOn", program.SwitchOn, problems);
        CheckSwitch("switchOff", program.SwitchOff, problems);
        if (program.Photocell is { } p)
        {
            if (!double.IsFinite(p.OnBelowLux) || p.OnBelowLux < 0)
            {
                problems.Add("photocell.onBelowLux must be ≥ 0");
            }
            if (!double.IsFinite(p.OffAboveLux) || p.OffAboveLux <= p.OnBelowLux)
            {
                problems.Add("photocell.offAboveLux must be above onBelowLux (hysteresis)");
            }
            if (p.WindowMin is < 0 or > 180)
            {
                problems.Add("photocell.windowMin must be 0–180");
            }
        }
        if (program.MinimumOnMin is < 0 or > 240)
        {
            problems.Add("minimumOnMin must be 0–240");
        }
        var steps = program.Steps ?? [];
        if (steps.Count > MaxSteps)
        {
            problems.Add($"at most {MaxSteps} steps");
        }
        var seen = new HashSet<TimeOnly>();
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is null)
            {
                problems.Add($"steps[{i}] is missing");
                continue;
            }
            if (!TryParseTime(steps[i].From, out var from))
            {
                problems.Add($"steps[{i}].from '{steps[i].From}' is not HH:mm");
            }
            else if (!seen.Add(from))
            {
                problems.Add($"steps[{i}].from {steps[i].From} repeats an earlier step");
            }
            if (steps[i].DimPercent is < 0 or > 100)
            {
                problems.Add($"steps[{i}].dimPercent must be 0–100");
            }
        }
        return problems;
    }

    public static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static void CheckSwitch(string name, SwitchPoint? point, List<string> problems)
    {
        if (point is null)
        {
            problems.Add($"{name} is missing");
            return;
        }
        if (point.At is not ("sunset" or "sunrise") && !TryParseTime(point.At, out _))
        {
            problems.Add($"{name}.at must be sunset, sunrise or HH:mm (was '{point.At}')");
        }
        if (point.OffsetMin is < -180 or > 180)
        {
            problems.Add($"{name}.offsetMin must be within ±180");
        }
    }
}
