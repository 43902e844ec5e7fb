using CidadesInteligentes.FirmwareSim.Clock;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Physics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>
/// Thousands of virtual devices, each the real edge agent (program + astronomical clock, fault detector, outbox,
/// MQTT uplink) over simulated hardware. One scheduler loop advances a shared <see cref="FleetClock"/> in steps,
/// paced by a <see cref="SimulatedClock"/> (or unpaced in load mode) and held back while the outboxes are full, so
/// the cloud is never flooded faster than it acknowledges. Usable in process: construct, optionally read
/// <see cref="Plan"/>/<see cref="Secrets"/> to provision the broker, then <see cref="RunAsync"/>.
/// </summary>
public sealed partial class FleetSimulator : IAsyncDisposable
{
    private readonly FleetOptions _options;
    private readonly ILogger _logger;
    private readonly FleetClock _deviceClock;
    private readonly FailureInjector _failures;
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly List<SimLuminaire> _luminaires = [];
    private readonly List<SimHotspot> _hotspots = [];
    private readonly Dictionary<string, CloudModel> _clouds = new(StringComparer.Ordinal);
    private readonly string _dataDirectory;
    private readonly bool _ownsDataDirectory;
    private SimulatedClock? _pace;
    private long _ackedByStopped;
    private FleetProgress _progress;

    public FleetSimulator(FleetOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = loggers?.CreateLogger<FleetSimulator>() ?? NullLogger<FleetSimulator>.Instance;
        Start = (options.Start ?? DateTimeOffset.UtcNow).ToUniversalTime();
        Start = new DateTimeOffset(Start.UtcTicks - (Start.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        _deviceClock = new FleetClock(Start);
        _failures = new FailureInjector(options.Failures, options.Seed);
        Plan = FleetPlan.Create(options);
        _ownsDataDirectory = options.DataDirectory is null;
        _dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "ci-fleet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dataDirectory);
        RefuseReplayedTime();
        LoadSecrets();
        Build();
        _progress = new FleetProgress(Start, 0, 0, 0, _luminaires.Count, _hotspots.Count, TimeSpan.Zero);
    }

    public FleetPlan Plan { get; }

    /// <summary>How long a cancelled run keeps delivering what the devices had queued before it disconnects them.</summary>
    public static TimeSpan ShutdownDrainTimeout { get; } = TimeSpan.FromSeconds(15);

    public DateTimeOffset Start { get; }

    /// <summary>The device clock (simulated time of the current step).</summary>
    public TimeProvider DeviceClock => _deviceClock;

    /// <summary>Device id → MQTT password the device will present (give the broker their hashes).</summary>
    public IReadOnlyDictionary<string, string> Secrets => _secrets;

    public IReadOnlyList<SimLuminaire> Luminaires => _luminaires;

    public IReadOnlyList<SimHotspot> Hotspots => _hotspots;

    public FailureInjector Failures => _failures;

    public FleetProgress Progress => _progress;

    /// <summary>
    /// Connects every device, runs the scheduler until <see cref="FleetOptions.Until"/> (or cancellation), waits
    /// for the outboxes to drain and disconnects cleanly. Returns the final progress.
    /// </summary>
    public async Task<FleetProgress> RunAsync(CancellationToken ct)
    {
        var speed = _options.LoadMode ? double.PositiveInfinity : _options.Speed;
        _pace = new SimulatedClock(Start, speed, _options.Until, followRealTime: _options.Live);
        await ConnectAllAsync(ct).ConfigureAwait(false);
        var step = _options.Step;
        var interval = _options.TelemetryInterval;
        var maxPending = (long)_options.MaxPendingPerDevice * Math.Max(1, _luminaires.Count + _hotspots.Count);
        _logger.LogInformation("fleet of {Luminaires} luminaires and {Hotspots} hotspots from {Start:o} to {Until} at {Speed}× (step {Step}, telemetry every {Interval})",
            _luminaires.Count, _hotspots.Count, Start, _options.Until?.ToString("o") ?? "cancelled", speed, step, interval);
        try
        {
            var live = false;
            for (var t = Start; _options.Until is not { } until || t <= until; t += step)
            {
                var delay = _pace.RealDelayUntil(t);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                }
                // only what can be sent counts: an outbox behind a simulated outage drains only once simulated time
                // ends the outage, so waiting for it would stop the fleet's clock for good
                while (PendingTotal(sendableOnly: true) > maxPending)
                {
                    await Task.Delay(10, ct).ConfigureAwait(false);
                }
                ct.ThrowIfCancellationRequested();
                await StepAsync(t, step, interval, ct).ConfigureAwait(false);
                NoteLastStep(t);
                _progress = Snapshot(t);
                _options.Progress?.Report(_progress);
                if (!live && _pace.IsAheadOfRealTime(t + step))
                {
                    live = true;
                    (step, interval) = GoLive(t);
                }
            }
            await DrainAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
            _progress = Snapshot(_progress.SimulatedTime);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: the outboxes live in memory, so what is not delivered now is lost for good (and the
            // next run with the same data directory continues after its seqs); the simulated outages end here
            await DrainAsync(ShutdownDrainTimeout, CancellationToken.None, whileConnected: true).ConfigureAwait(false);
            _progress = Snapshot(_progress.SimulatedTime);
            throw;
        }
        finally
        {
            await StopAllAsync().ConfigureAwait(false);
            SaveLastStep();
        }
        _progress = Snapshot(_progress.SimulatedTime);
        _options.Progress?.Report(_progress);
        return _progress;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync().ConfigureAwait(false);
        foreach (var l in _luminaires)
        {
            l.Hardware.Dispose();
        }
        if (_ownsDataDirectory)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task StepAsync(DateTimeOffset t, TimeSpan step, TimeSpan interval, CancellationToken ct)
    {
        _deviceClock.AdvanceTo(t);
        var brokerDown = _failures.BrokerOutage.Step(t, step);
        foreach (var circuit in _circuits)
        {
            circuit.Step(t, step);
        }
        var cityLux = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var city in Plan.Cities)
        {
            var elevation = SunPosition.ElevationDeg(city.Latitude, city.Longitude, t);
            cityLux[city.Ibge] = AmbientLight.Lux(elevation, _clouds[city.Ibge].CloudinessAt(t));
        }
        var reported = new bool[_luminaires.Count];
        Parallel.For(0, _luminaires.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var l = _luminaires[i];
            reported[i] = l.Step(t, step, cityLux[l.Spec.City.Ibge], brokerDown, interval);
        });
        for (var i = 0; i < reported.Length; i++)
        {
            if (reported[i] || _luminaires[i].Outbox.PendingCount > 0)
            {
                _luminaires[i].Uplink?.Nudge();
            }
        }
        foreach (var h in _hotspots)
        {
            if (await h.StepAsync(t, step, brokerDown, interval, ct).ConfigureAwait(false) || h.Outbox.PendingCount > 0)
            {
                h.Uplink?.Nudge();
            }
        }
    }
}
