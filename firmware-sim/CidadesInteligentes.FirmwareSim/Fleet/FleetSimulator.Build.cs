using System.Globalization;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Physics;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Telemetry.Security;

namespace CidadesInteligentes.FirmwareSim.Fleet;

public sealed partial class FleetSimulator
{
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
            var outbox = Outbox(dir);
            var executor = new CommandExecutor(new ProgramStore(Path.Combine(dir, "program.json")), new OverrideStore(Path.Combine(dir, "override.json")),
                new CommandIdStore(Path.Combine(dir, "commands.json")), _deviceClock);
            var identity = new DeviceIdentity(spec.Id, spec.City.Ibge, DeviceKind.Luminaire, "1.4.0-sim");
            var agent = new LuminaireAgent(new LuminaireAgentOptions(identity, spec.Latitude, spec.Longitude, spec.LedW, interval,
                // the burn counter survives a restart like the energy register, and like it is written about once a
                // night (a write per report would mean an fsync per burning luminaire per report)
                BurnSecondsFile: Path.Combine(dir, "burn.s"), BurnSaveEverySeconds: 12 * 3600),
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
            var outbox = Outbox(Path.Combine(_dataDirectory, spec.Id));
            var agent = new HotspotAgent(new DeviceIdentity(spec.Id, spec.City.Ibge, DeviceKind.Hotspot, "1.4.0-sim"), outbox, source, _deviceClock, interval);
            var phase = step * (double)(random.NextUInt64() % (ulong)phases);
            _hotspots.Add(new SimHotspot(spec, agent, source, outbox, _failures.Backhaul(spec.Id), _failures.Portal(spec.Id), _failures.Link(spec.Id), phase)
            {
                NextReport = Start + phase,
            });
        }
    }

    /// <summary>A device's outbox; in a kept data directory its seqs continue from the previous run.</summary>
    private GatedOutbox Outbox(string deviceDirectory)
    {
        if (_ownsDataDirectory)
        {
            return new GatedOutbox(new MemoryOutbox(20_000));
        }
        Directory.CreateDirectory(deviceDirectory);
        var seqFile = Path.Combine(deviceDirectory, "seq.txt");
        return new GatedOutbox(new MemoryOutbox(20_000, GatedOutbox.ReadSeqs(seqFile)), seqFile);
    }

    private DateTimeOffset? _lastStep;
    private DateOnly _lastSavedDay;

    private string ClockFile => Path.Combine(_dataDirectory, "clock.txt");

    /// <summary>
    /// A kept data directory holds devices that already reported up to the time in clock.txt: starting at or before it
    /// would send the same readings again under new seqs (stored twice, with registers that disagree at one ts).
    /// </summary>
    private void RefuseReplayedTime()
    {
        if (_ownsDataDirectory || !File.Exists(ClockFile))
        {
            return;
        }
        if (DateTimeOffset.TryParse(File.ReadAllText(ClockFile).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var last) && Start <= last)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"--Clock:Start {Start:o} is not after {last:o}, the last moment the devices in {_dataDirectory} already reported; start later or use another --Fleet:DataDirectory"));
        }
    }

    /// <summary>Records a completed step; clock.txt is written once a simulated day (and at the end), so a crash replays at most a day.</summary>
    private void NoteLastStep(DateTimeOffset t)
    {
        _lastStep = t;
        var day = DateOnly.FromDateTime(t.UtcDateTime);
        if (day != _lastSavedDay)
        {
            _lastSavedDay = day;
            SaveLastStep();
        }
    }

    private void SaveLastStep()
    {
        if (_ownsDataDirectory || _lastStep is not { } t)
        {
            return;
        }
        var temp = ClockFile + ".tmp";
        File.WriteAllText(temp, t.ToString("o", CultureInfo.InvariantCulture) + "\n");
        File.Move(temp, ClockFile, overwrite: true);
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
}
