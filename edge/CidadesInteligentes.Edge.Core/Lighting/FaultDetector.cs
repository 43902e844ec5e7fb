using System.Globalization;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// Turns a stream of readings into fault start/clear transitions (docs/domain.md, "Faults"). Each fault raises
/// once and clears once, after <see cref="FaultDetectorOptions.ClearReadings"/> good readings, so a reading on the
/// boundary cannot make it flap. While the supply is lost the lamp checks pause (a dark lamp without mains is not
/// a lamp failure). A supplyLoss raised by a reboot after a power loss clears like a low voltage does, after good
/// readings; from a meter without voltage any reading counts as good (the agent is running, so mains is back).
/// Pure: no clock, no I/O; readings must arrive in time order.
/// </summary>
public sealed class FaultDetector(FaultDetectorOptions options)
{
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _goodReadings = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _switches = new();
    private int _lowPowerReadings;
    private DateTimeOffset? _dayBurningSince;
    private DateTimeOffset? _tooHighSince;
    private DateTimeOffset? _tooLowSince;
    private bool? _wasLit;
    private bool _supplyLossFromReboot;

    public FaultDetectorOptions Options => options;

    /// <summary>Faults active now.</summary>
    public IReadOnlySet<string> Active => _active;

    public IReadOnlyList<FaultTransition> Evaluate(LuminaireSample sample)
    {
        var transitions = new List<FaultTransition>();
        var supplyLost = EvaluateSupply(sample, transitions);
        if (supplyLost)
        {
            ResetLampTracking();
            return transitions;
        }
        if (sample.CommandedOn)
        {
            _dayBurningSince = null;
            Clear(EventTypes.LampUnexpectedOn, sample, transitions, "lamp commanded on", immediate: true);
            EvaluateLamp(sample, transitions);
        }
        else
        {
            ResetLampTracking();
            EvaluateDayBurning(sample, transitions);
        }
        return transitions;
    }

    private bool EvaluateSupply(LuminaireSample s, List<FaultTransition> transitions)
    {
        var low = s.VoltageV is { } v && v < options.SupplyLossBelowV;
        if (low || s.RebootedAfterPowerLoss)
        {
            var detail = low ? Text($"voltage {s.VoltageV:0} V below {options.SupplyLossBelowV:0} V") : "restarted after a power loss";
            _supplyLossFromReboot = !low && (_supplyLossFromReboot || !_active.Contains(EventTypes.SupplyLoss));
            Raise(EventTypes.SupplyLoss, s, transitions, detail);
            return low;
        }
        if (s.VoltageV is not null || _supplyLossFromReboot)
        {
            var detail = s.VoltageV is { } volts ? Text($"voltage {volts:0} V") : "running on mains since the restart";
            Clear(EventTypes.SupplyLoss, s, transitions, detail);
            _supplyLossFromReboot &= _active.Contains(EventTypes.SupplyLoss);
        }
        return false;
    }

    private void EvaluateLamp(LuminaireSample s, List<FaultTransition> transitions)
    {
        var expectedW = options.Model.ExpectedPowerW(s.DimPercent);
        var lit = s.PowerW >= options.LampFailureFraction * expectedW;
        var detail = Text($"power {s.PowerW:0.0} W at {s.DimPercent} % (expected {expectedW:0.0} W)");

        // lampFailure: dark for N consecutive readings.
        _lowPowerReadings = lit ? 0 : _lowPowerReadings + 1;
        if (_lowPowerReadings >= options.LampFailureReadings)
        {
            Raise(EventTypes.LampFailure, s, transitions, detail);
        }
        else if (lit)
        {
            Clear(EventTypes.LampFailure, s, transitions, detail);
        }

        // cyclingFailure: lit/dark changes while commanded on, counted in a sliding window.
        if (_wasLit is { } was && was != lit)
        {
            _switches.Enqueue(s.Ts);
        }
        _wasLit = lit;
        while (_switches.TryPeek(out var at) && s.Ts - at > options.CyclingWindow)
        {
            _switches.Dequeue();
        }
        if (_switches.Count >= options.CyclingSwitches)
        {
            Raise(EventTypes.CyclingFailure, s, transitions, Text($"{_switches.Count} switches in {options.CyclingWindow.TotalMinutes:0} min"));
        }
        else if (_switches.Count == 0)
        {
            // A whole quiet window is debounce enough.
            Clear(EventTypes.CyclingFailure, s, transitions, Text($"no switching in {options.CyclingWindow.TotalMinutes:0} min"), immediate: true);
        }

        // lampPowerTooHigh / TooLow: a lit lamp outside the tolerance band for the sustain time.
        var tooHigh = lit && s.PowerW > expectedW * (1 + options.PowerTolerance);
        var tooLow = lit && s.PowerW < expectedW * (1 - options.PowerTolerance);
        Sustained(EventTypes.LampPowerTooHigh, tooHigh, ref _tooHighSince, s, transitions, detail, clearable: lit);
        Sustained(EventTypes.LampPowerTooLow, tooLow, ref _tooLowSince, s, transitions, detail, clearable: lit);
    }

    private void EvaluateDayBurning(LuminaireSample s, List<FaultTransition> transitions)
    {
        // A lamp left lit by a welded relay sits at the level the controller set on switching off (0 %): the driver's fixed
        // share of its own power, which for a pole a few % below nominal is just under that share of the nominal power. Half
        // of it still counts every such pole, and stays far above a dead driver's standby.
        var burningW = 0.5 * options.LampFailureFraction * options.Model.NominalPowerW;
        var detail = Text($"power {s.PowerW:0.0} W with lamp commanded off");
        if (s.PowerW >= burningW)
        {
            _dayBurningSince ??= s.Ts;
            if (s.Ts - _dayBurningSince.Value > options.DayBurningAfter)
            {
                Raise(EventTypes.LampUnexpectedOn, s, transitions, detail);
            }
        }
        else
        {
            _dayBurningSince = null;
            Clear(EventTypes.LampUnexpectedOn, s, transitions, detail);
        }
    }

    private void Sustained(string type, bool condition, ref DateTimeOffset? since, LuminaireSample s, List<FaultTransition> transitions, string detail, bool clearable)
    {
        if (condition)
        {
            since ??= s.Ts;
            if (s.Ts - since.Value >= options.PowerSustain)
            {
                Raise(type, s, transitions, detail);
            }
            return;
        }
        since = null;
        if (clearable)
        {
            Clear(type, s, transitions, detail);
        }
    }

    private void ResetLampTracking()
    {
        _lowPowerReadings = 0;
        _tooHighSince = null;
        _tooLowSince = null;
        _wasLit = null;
        _goodReadings.Remove(EventTypes.LampFailure);
        _goodReadings.Remove(EventTypes.LampPowerTooHigh);
        _goodReadings.Remove(EventTypes.LampPowerTooLow);
    }

    private void Raise(string type, LuminaireSample s, List<FaultTransition> transitions, string detail)
    {
        _goodReadings.Remove(type);
        if (_active.Add(type))
        {
            transitions.Add(new FaultTransition(type, true, s.Ts, detail));
        }
    }

    private void Clear(string type, LuminaireSample s, List<FaultTransition> transitions, string detail, bool immediate = false)
    {
        if (!_active.Contains(type))
        {
            return;
        }
        var good = _goodReadings.GetValueOrDefault(type) + 1;
        if (immediate || good >= options.ClearReadings)
        {
            _active.Remove(type);
            _goodReadings.Remove(type);
            transitions.Add(new FaultTransition(type, false, s.Ts, detail));
        }
        else
        {
            _goodReadings[type] = good;
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
