using System.Globalization;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>
/// One luminaire's control loop, without any network: <see cref="Step"/> decides and applies the lamp state and
/// turns meter readings into fault events, <see cref="Report"/> queues telemetry, <see cref="HandleCommand"/> runs
/// cloud commands once and queues their acks. Every timestamp comes from <see cref="Time"/>, so an accelerated
/// clock yields correct device timestamps. Thread-safe (one lock per agent).
/// </summary>
public sealed partial class LuminaireAgent : IDeviceAgent
{
    private readonly object _gate = new();
    private readonly LuminaireAgentOptions _options;
    private readonly LuminaireHardware _hardware;
    private readonly CommandExecutor _executor;
    private readonly DimmingController _controller;
    private readonly FaultDetector _faults;
    private readonly string _telemetryTopic;
    private readonly string _eventTopic;
    private readonly string _ackTopic;
    private readonly DateTimeOffset _started;
    private double _burnSeconds;
    private double _savedBurnSeconds;
    private DateTimeOffset? _lastStep;
    private DimmingDecision _decision;
    private double? _lastLux;
    private bool _rebootedAfterPowerLoss;

    public LuminaireAgent(LuminaireAgentOptions options, LuminaireHardware hardware, IOutbox outbox, CommandExecutor executor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Identity.Kind != DeviceKind.Luminaire)
        {
            throw new ArgumentException("a luminaire agent needs a luminaire identity", nameof(options));
        }
        _options = options;
        _hardware = hardware;
        Outbox = outbox;
        _executor = executor;
        Time = time;
        _controller = new DimmingController(executor.Program, options.Latitude, options.Longitude);
        _faults = new FaultDetector(new FaultDetectorOptions(new LedPowerModel(options.LedPowerW)));
        _telemetryTopic = options.Identity.Topic(TopicStream.Telemetry);
        _eventTopic = options.Identity.Topic(TopicStream.Event);
        _ackTopic = options.Identity.Topic(TopicStream.CommandAck);
        _started = time.GetUtcNow();
        _burnSeconds = _savedBurnSeconds = LoadBurnSeconds(options.BurnSecondsFile);
        _rebootedAfterPowerLoss = StartRunMarker();
    }

    public DeviceIdentity Identity => _options.Identity;

    public IOutbox Outbox { get; }

    public TimeProvider Time { get; }

    public TimeSpan TelemetryInterval => _options.EffectiveTelemetryInterval;

    /// <summary>The decision applied by the last <see cref="Step"/>.</summary>
    public DimmingDecision LastDecision
    {
        get { lock (_gate) { return _decision; } }
    }

    /// <summary>Faults active now (contract event types).</summary>
    public IReadOnlyCollection<string> ActiveFaults
    {
        get { lock (_gate) { return [.. _faults.Active]; } }
    }

    public long BurnSeconds
    {
        get { lock (_gate) { return (long)_burnSeconds; } }
    }

    public event Action? StatusRequested;

    /// <summary>
    /// One pass of the control loop at <paramref name="now"/>: read the photocell, decide (override, program,
    /// photocell), switch relay and dimmer, read the meter and queue an event for each fault raised or cleared.
    /// Call it every few seconds of device time.
    /// </summary>
    public DimmingDecision Step(DateTimeOffset now)
    {
        lock (_gate)
        {
            return StepLocked(now);
        }
    }

    /// <summary>Queues one telemetry message with the meter's cumulative register and the lamp state at <paramref name="now"/>.</summary>
    public OutboxMessageInfo Report(DateTimeOffset now)
    {
        lock (_gate)
        {
            return ReportLocked(now);
        }
    }

    public void HandleCommand(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        bool statusRequested;
        lock (_gate)
        {
            var now = Time.GetUtcNow();
            var outcome = _executor.Execute(command);
            if (outcome.Id.Length > 0)
            {
                var ack = outcome.ToAck(0, now);
                ack.Seq = null;
                Outbox.Enqueue(OutboxStreams.CommandAck, _ackTopic, ack, TelemetryJson.Default.CommandAck);
            }
            if (outcome.Effect is CommandEffect.ProgramReplaced)
            {
                _controller.UseProgram(_executor.Program);
            }
            if (outcome.Effect is CommandEffect.OverrideSet or CommandEffect.OverrideCleared or CommandEffect.ProgramReplaced)
            {
                StepLocked(now);
            }
            statusRequested = outcome.Effect == CommandEffect.StatusRequested;
            if (statusRequested)
            {
                ReportLocked(now);
            }
        }
        if (statusRequested)
        {
            StatusRequested?.Invoke();
        }
    }

    public void RaiseEvent(string type, bool active, string? detail)
    {
        lock (_gate)
        {
            EnqueueEvent(type, active, Time.GetUtcNow(), detail);
        }
    }

    /// <summary>Persists the burn counter and marks the run as cleanly stopped (call on shutdown).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            SaveBurnSeconds(force: true);
            EndRunMarker();
        }
    }

    private DimmingDecision StepLocked(DateTimeOffset now)
    {
        if (_lastStep is { } last && now > last && _decision.LampOn)
        {
            _burnSeconds += (now - last).TotalSeconds;
        }
        _lastStep = now;
        _lastLux = _hardware.LightSensor.TryReadLux(out var lux) && double.IsFinite(lux) ? lux : null;
        if (!ReferenceEquals(_controller.Program, _executor.Program))
        {
            _controller.UseProgram(_executor.Program);
        }
        _executor.SaveCommandIdsIfUnsaved();
        var decision = _controller.Decide(now, _lastLux, _executor.Override);
        try
        {
            if (decision.LampOn)
            {
                _hardware.Dimmer.SetLevel(decision.DimPercent);
                _hardware.Relay.Set(true);
            }
            else
            {
                _hardware.Relay.Set(false);
                _hardware.Dimmer.SetLevel(0);
            }
        }
        catch (IOException)
        {
            // the meter reading below shows whether the lamp followed; the fault detector reports it
        }
        catch (UnauthorizedAccessException)
        {
        }
        _decision = decision;
        if (_hardware.Meter.TryRead(out var reading))
        {
            var sample = new LuminaireSample(now, decision.LampOn, decision.DimPercent, reading.PowerW, reading.VoltageV, _rebootedAfterPowerLoss);
            _rebootedAfterPowerLoss = false;
            foreach (var t in _faults.Evaluate(sample))
            {
                EnqueueEvent(t.Type, t.Active, now, t.Detail);
            }
        }
        return decision;
    }

    private OutboxMessageInfo ReportLocked(DateTimeOffset now)
    {
        var telemetry = new LuminaireTelemetry
        {
            V = 1,
            Ts = now,
            DimPercent = _decision.LampOn ? _decision.DimPercent : 0,
            LampOn = _decision.LampOn,
            BurnSeconds = (long)_burnSeconds,
            UptimeS = Math.Max(0, (long)(now - _started).TotalSeconds),
            AmbientLux = _lastLux is { } l ? Math.Clamp(l, 0, 200_000) : null,
            PowerW = 0,
            EnergyWh = 0,
        };
        if (_hardware.Meter.TryRead(out var r))
        {
            telemetry.PowerW = Math.Clamp(Round(r.PowerW, 2), 0, 2000);
            telemetry.VoltageV = Math.Clamp(Round(r.VoltageV, 1), 0, 300);
            telemetry.CurrentA = Math.Clamp(Round(r.CurrentA, 3), 0, 20);
            telemetry.EnergyWh = Math.Max(0, Round(r.EnergyWh, 3));
        }
        SaveBurnSeconds(force: false);
        var message = Outbox.Enqueue(OutboxStreams.Telemetry, _telemetryTopic, telemetry, TelemetryJson.Default.LuminaireTelemetry);
        return new OutboxMessageInfo(message.Stream, message.Seq, message.Ts);
    }

    private void EnqueueEvent(string type, bool active, DateTimeOffset ts, string? detail)
    {
        var e = new DeviceEvent { V = 1, Ts = ts, Type = type, Active = active, Detail = detail };
        Outbox.Enqueue(OutboxStreams.Event, _eventTopic, e, TelemetryJson.Default.DeviceEvent);
    }

    private static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : 0;

    private static double LoadBurnSeconds(string? path)
    {
        if (path is null)
        {
            return 0;
        }
        var text = AtomicFile.TryReadAllText(path);
        return text is not null && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0 ? v : 0;
    }

    private void SaveBurnSeconds(bool force)
    {
        // Written at most once per 10 burning minutes by default (SD-card wear); a crash loses at most that much burn time.
        if (_options.BurnSecondsFile is not { } path || (!force && _burnSeconds - _savedBurnSeconds < _options.BurnSaveEverySeconds))
        {
            return;
        }
        try
        {
            AtomicFile.WriteAllText(path, _burnSeconds.ToString("R", CultureInfo.InvariantCulture));
            _savedBurnSeconds = _burnSeconds;
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Which message a report queued.</summary>
public readonly record struct OutboxMessageInfo(string Stream, long Seq, DateTimeOffset Ts);
