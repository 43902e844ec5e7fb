using CidadesInteligentes.Edge.Hardware.Linux;

namespace CidadesInteligentes.Edge.Hardware.Simulated;

/// <summary>
/// A whole luminaire for tests and the fleet simulator: relay, dimmer, an INA219 register map behind the real
/// <see cref="Ina219PowerMeter"/> driver, and a BH1750 register map behind the real <see cref="Bh1750LightSensor"/>
/// driver — so simulated readings pass through the same scaling code as a pole's. Power follows
/// <see cref="LedPowerModel"/> at unity power factor; faults are injected through <see cref="Faults"/>.
/// </summary>
public sealed class SimulatedLuminaire : IDisposable
{
    /// <summary>Standby draw of a driver whose LEDs are dead.</summary>
    public const double FailedLampStandbyW = 0.3;

    /// <summary>The bus input sees the supply through a 10:1 divider (220 V → 22 V, inside the chip's 32 V).</summary>
    public const double VoltageDivider = 10;

    private static readonly TimeSpan CyclePeriod = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CycleLit = TimeSpan.FromMinutes(3);

    private readonly TimeProvider _time;
    private readonly Ina219Simulator _powerChip = new();
    private readonly Bh1750Simulator _lightChip = new();
    private readonly Ina219PowerMeter _meter;
    private readonly Bh1750LightSensor _sensor;

    public SimulatedLuminaire(LedPowerModel model, EnergyRegister energy, TimeProvider time)
    {
        Model = model;
        _time = time;
        _meter = new Ina219PowerMeter(_powerChip, new Ina219Options(BusVoltageScale: VoltageDivider), energy, time);
        _sensor = new Bh1750LightSensor(_lightChip);
        Meter = new SyncingMeter(this);
        LightSensor = new SyncingSensor(this);
    }

    public LedPowerModel Model { get; }

    public SimulatedRelay Relay { get; } = new();

    public SimulatedDimmer Dimmer { get; } = new();

    public IPowerMeter Meter { get; }

    public ILightSensor LightSensor { get; }

    public LuminaireFaults Faults { get; set; }

    public double SupplyVoltageV { get; set; } = 220;

    public double AmbientLux { get; set; }

    /// <summary>The I²C chips, to make one unresponsive.</summary>
    public Ina219Simulator PowerChip => _powerChip;

    public Bh1750Simulator LightChip => _lightChip;

    /// <summary>Whether light comes out now, after faults.</summary>
    public bool IsLit
    {
        get
        {
            var faults = Faults;
            var energised = (Relay.IsOn || faults.HasFlag(LuminaireFaults.DayBurning)) && !faults.HasFlag(LuminaireFaults.NoPower);
            return energised && !faults.HasFlag(LuminaireFaults.LampFailure) && !InCycleDarkPhase();
        }
    }

    /// <summary>Input power the luminaire draws now, before metering.</summary>
    public double TruePowerW
    {
        get
        {
            var faults = Faults;
            if (faults.HasFlag(LuminaireFaults.NoPower) || !(Relay.IsOn || faults.HasFlag(LuminaireFaults.DayBurning)))
            {
                return 0;
            }
            return IsLit ? Model.ExpectedPowerW(Dimmer.LevelPercent) : FailedLampStandbyW;
        }
    }

    public void Dispose()
    {
        _meter.Dispose();
        _sensor.Dispose();
    }

    private bool InCycleDarkPhase()
    {
        if (!Faults.HasFlag(LuminaireFaults.Cycling))
        {
            return false;
        }
        var intoCycle = TimeSpan.FromTicks(_time.GetUtcNow().UtcTicks % CyclePeriod.Ticks);
        return intoCycle >= CycleLit;
    }

    private void Sync()
    {
        var voltageV = Faults.HasFlag(LuminaireFaults.NoPower) ? 0 : SupplyVoltageV;
        var powerW = TruePowerW;
        _powerChip.SetLoad(voltageV / VoltageDivider, voltageV > 0 ? powerW / voltageV : 0);
        _lightChip.Lux = AmbientLux;
    }

    private sealed class SyncingMeter(SimulatedLuminaire owner) : IPowerMeter
    {
        public bool TryRead(out PowerReading reading)
        {
            owner.Sync();
            return owner._meter.TryRead(out reading);
        }
    }

    private sealed class SyncingSensor(SimulatedLuminaire owner) : ILightSensor
    {
        public bool TryReadLux(out double lux)
        {
            owner.Sync();
            return owner._sensor.TryReadLux(out lux);
        }
    }
}
