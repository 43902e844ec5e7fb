using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.FirmwareSim.Clock;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Physics;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Telemetry.Security;
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
public sealed class FleetSimulator : IAsyncDisposable
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
        LoadSecrets();
        Build();
        _progress = new FleetProgress(Start, 0, 0, 0, _luminaires.Count, _hotspots.Count, TimeSpan.Zero);
    }

    public FleetPlan Plan { get; }

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
            for (var t = Start; _options.Until is not { } until || t <= until; t += step)
            {
                var delay = _pace.RealDelayUntil(t);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                }
                while (PendingTotal() > maxPending)
                {
                    await Task.Delay(10, ct).ConfigureAwait(false);
                }
                ct.ThrowIfCancellationRequested();
                await StepAsync(t, step, interval, ct).ConfigureAwait(false);
                _progress = Snapshot(t);
                _options.Progress?.Report(_progress);
            }
            await DrainAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
            _progress = Snapshot(_progress.SimulatedTime);
        }
        finally
        {
            await StopAllAsync().ConfigureAwait(false);
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

    private readonly List<OutageProcess> _circuits = [];

    private void Build()
    {
        var interval = _options.TelemetryInterval;
        var step = _options.Step;
        var phases = Math.Max(1, (int)(interval / step));
        foreach (var city in Plan.Cities)
        {
            _clouds[city.Ibge] = new CloudModel(_options.Seed, city.Ibge);
        }
        var circuitKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in Plan.Luminaires)
        {
            var random = new SimRandom(_options.Seed, spec.Id);
            var dir = Path.Combine(_dataDirectory, spec.Id);
            Directory.CreateDirectory(dir);
            // ±3 % manufacturing spread around the registry's LED power
            var model = new LedPowerModel(spec.LedW * (1 + (0.03 * Math.Clamp(random.NextGaussian(), -1, 1))));
            var hardware = new SimulatedLuminaire(model, new EnergyRegister(Path.Combine(dir, "energy.wh"), persistEveryWh: 1000), _deviceClock);
            var outbox = new GatedOutbox(new MemoryOutbox(20_000));
            var executor = new CommandExecutor(new ProgramStore(Path.Combine(dir, "program.json")), new OverrideStore(Path.Combine(dir, "override.json")),
                new CommandIdStore(Path.Combine(dir, "commands.json")), _deviceClock);
            var identity = new DeviceIdentity(spec.Id, spec.City.Ibge, DeviceKind.Luminaire, "1.4.0-sim");
            var agent = new LuminaireAgent(new LuminaireAgentOptions(identity, spec.Latitude, spec.Longitude, spec.LedW, interval),
                new LuminaireHardware(hardware.Dimmer, hardware.Relay, hardware.Meter, hardware.LightSensor), outbox, executor, _deviceClock);
            OutageProcess? supply = null;
            if (spec.Circuit is { } c)
            {
                supply = _failures.SupplyLoss(c);
                if (circuitKeys.Add(c))
                {
                    _circuits.Add(supply);
                }
            }
            var phase = step * (double)(random.NextUInt64() % (ulong)phases);
            var lum = new SimLuminaire(spec, agent, hardware, outbox, random, _failures.LampFailure(spec.Id), _failures.DayBurning(spec.Id),
                _failures.Cycling(spec.Id), _failures.Link(spec.Id), supply, phase)
            {
                NextReport = Start + phase,
            };
            _luminaires.Add(lum);
        }
        foreach (var spec in Plan.Hotspots)
        {
            var random = new SimRandom(_options.Seed, spec.Id);
            if (spec.NonCompliant)
            {
                _failures.MarkNonCompliant(spec.Id);
            }
            var zone = TimeZoneInfo.FindSystemTimeZoneById(spec.City.TimeZone);
            var source = new SimulatedHotspotSource(random, zone, peakClients: random.Uniform(20, 60), nominalDownMbps: random.Uniform(40, 90));
            var outbox = new GatedOutbox(new MemoryOutbox(20_000));
            var agent = new HotspotAgent(new DeviceIdentity(spec.Id, spec.City.Ibge, DeviceKind.Hotspot, "1.4.0-sim"), outbox, source, _deviceClock, interval);
            var phase = step * (double)(random.NextUInt64() % (ulong)phases);
            _hotspots.Add(new SimHotspot(spec, agent, source, outbox, _failures.Backhaul(spec.Id), _failures.Portal(spec.Id), _failures.Link(spec.Id), phase)
            {
                NextReport = Start + phase,
            });
        }
    }

    private void LoadSecrets()
    {
        if (_options.Secrets is { } given)
        {
            foreach (var (id, secret) in given)
            {
                _secrets[id] = secret;
            }
        }
        else if (_options.SecretsPath is { } path)
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && !parts[0].StartsWith('#'))
                {
                    _secrets[parts[0]] = parts[1];
                }
            }
        }
        foreach (var id in Plan.Luminaires.Select(l => l.Id).Concat(Plan.Hotspots.Select(h => h.Id)))
        {
            if (!_secrets.ContainsKey(id))
            {
                _secrets[id] = DeviceSecret.Generate();
            }
        }
    }

    private async Task ConnectAllAsync(CancellationToken ct)
    {
        var uplinkOptions = new UplinkOptions(_options.MqttHost, _options.MqttPort, "")
        {
            MaxInFlight = Math.Max(1, _options.MaxInFlightPerDevice),
            DrainPerSecond = _options.LoadMode ? 1e9 : _options.DrainPerSecond,
            DrainBurst = _options.LoadMode ? 1e9 : Math.Max(_options.DrainPerSecond, 100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(5),
        };
        var work = new List<(IDeviceAgent Agent, Action<Uplink> Attach)>();
        work.AddRange(_luminaires.Select(l => ((IDeviceAgent)l.Agent, (Action<Uplink>)(u => l.Uplink = u))));
        work.AddRange(_hotspots.Select(h => ((IDeviceAgent)h.Agent, (Action<Uplink>)(u => h.Uplink = u))));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (w, token) =>
        {
            // uplink rates and timers run in real time; only the agents read the fleet clock
            var uplink = new Uplink(w.Agent, uplinkOptions with { Password = _secrets[w.Agent.Identity.Id] }, TimeProvider.System);
            w.Attach(uplink);
            await uplink.StartAsync(token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task DrainAsync(TimeSpan timeout, CancellationToken ct)
    {
        foreach (var o in AllOutboxes())
        {
            o.LinkUp = true;
        }
        var until = DateTime.UtcNow + timeout;
        while (PendingTotal() > 0 && DateTime.UtcNow < until)
        {
            foreach (var u in AllUplinks())
            {
                u.Nudge();
            }
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private async Task StopAllAsync()
    {
        var uplinks = new List<Uplink>();
        foreach (var l in _luminaires)
        {
            if (l.Uplink is { } u)
            {
                uplinks.Add(u);
                l.Uplink = null;
            }
            l.Agent.Flush();
        }
        foreach (var h in _hotspots)
        {
            if (h.Uplink is { } u)
            {
                uplinks.Add(u);
                h.Uplink = null;
            }
        }
        await Parallel.ForEachAsync(uplinks, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (u, _) =>
        {
            try
            {
                await u.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Add(ref _ackedByStopped, u.Published);
                await u.DisposeAsync().ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private IEnumerable<GatedOutbox> AllOutboxes() => _luminaires.Select(l => l.Outbox).Concat(_hotspots.Select(h => h.Outbox));

    private IEnumerable<Uplink> AllUplinks() =>
        _luminaires.Select(l => l.Uplink).Concat(_hotspots.Select(h => h.Uplink)).OfType<Uplink>();

    private long PendingTotal()
    {
        long n = 0;
        foreach (var o in AllOutboxes())
        {
            n += o.PendingCount;
        }
        return n;
    }

    private FleetProgress Snapshot(DateTimeOffset t)
    {
        long queued = 0, acked = Interlocked.Read(ref _ackedByStopped);
        foreach (var o in AllOutboxes())
        {
            queued += o.Queued;
        }
        foreach (var u in AllUplinks())
        {
            acked += u.Published;
        }
        acked = Math.Max(acked, _progress.Acked);
        return new FleetProgress(t, queued, acked, PendingTotal(), _luminaires.Count, _hotspots.Count, _pace?.RealElapsed ?? TimeSpan.Zero);
    }
}
