using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Linux;
using CidadesInteligentes.Edge.Hardware.Simulated;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>Opens the luminaire's hardware: the Linux drivers, or a <see cref="SimulatedLuminaire"/>.</summary>
internal sealed class EdgeHardware : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private bool _readOnly;

    private EdgeHardware(LuminaireHardware devices, EnergyRegister energy, SimulatedLuminaire? simulated)
    {
        Devices = devices;
        Energy = energy;
        Simulated = simulated;
    }

    public LuminaireHardware Devices { get; }

    public EnergyRegister Energy { get; }

    public SimulatedLuminaire? Simulated { get; }

    /// <summary>Opens the hardware; <paramref name="readOnly"/> (simulated only, for <c>doctor</c>) never writes the energy register file.</summary>
    public static EdgeHardware Open(EdgeSettings settings, TimeProvider time, bool readOnly = false)
    {
        Directory.CreateDirectory(settings.Device.StateDirectory);
        var energy = new EnergyRegister(Path.Combine(settings.Device.StateDirectory, "energy.wh"));
        var hw = settings.Hardware;
        if (hw.Mode == "Simulated")
        {
            var sim = new SimulatedLuminaire(new LedPowerModel(hw.LedPowerW), energy, time);
            var result = new EdgeHardware(new LuminaireHardware(sim.Dimmer, sim.Relay, sim.Meter, sim.LightSensor), energy, sim) { _readOnly = readOnly };
            result._owned.Add(sim);
            return result;
        }
        if (readOnly)
        {
            throw new InvalidOperationException("the Linux drivers configure the outputs when opened; doctor checks them through sysfs instead");
        }
        var owned = new List<IDisposable>();
        try
        {
            var dimmer = new SysfsPwmDimmer(hw.PwmChip, hw.PwmChannel, rootPath: Path.Combine(hw.SysfsRoot, "class/pwm"));
            var relay = new SysfsGpioRelay(hw.RelayGpio, rootPath: Path.Combine(hw.SysfsRoot, "class/gpio"));
            var meterChip = new LinuxI2cDevice(hw.I2cBus, hw.PowerMeterAddress);
            owned.Add(meterChip);
            var meter = new Ina219PowerMeter(meterChip, new Ina219Options(), energy, time);
            owned.Add(meter);
            var luxChip = new LinuxI2cDevice(hw.I2cBus, hw.LightSensorAddress);
            owned.Add(luxChip);
            var sensor = new Bh1750LightSensor(luxChip);
            owned.Add(sensor);
            var result = new EdgeHardware(new LuminaireHardware(dimmer, relay, meter, sensor), energy, null);
            result._owned.AddRange(owned);
            return result;
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }
    }

    public void Dispose()
    {
        if (!_readOnly)
        {
            Energy.Flush();
        }
        foreach (var o in Enumerable.Reverse(_owned))
        {
            o.Dispose();
        }
    }
}
