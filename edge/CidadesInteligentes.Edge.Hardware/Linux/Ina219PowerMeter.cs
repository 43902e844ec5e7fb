using System.Buffers.Binary;

namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>
/// INA219 power monitor (bus voltage, shunt current, power) on I²C, with energy integrated into an
/// <see cref="EnergyRegister"/> by the trapezoid rule between reads. Scaling follows the datasheet's calibration
/// procedure: <c>Current_LSB = I_max / 2^15</c>, <c>Cal = trunc(0.04096 / (Current_LSB × R_shunt))</c>, and the
/// current LSB actually in force is recomputed from the truncated Cal; <c>Power_LSB = 20 × Current_LSB</c>;
/// bus voltage LSB 4 mV (bits 15–3); shunt voltage LSB 10 µV.
/// </summary>
public sealed class Ina219PowerMeter : IPowerMeter, IDisposable
{
    private const double BusLsbV = 0.004;
    private readonly II2cDevice _device;
    private readonly Ina219Options _options;
    private readonly EnergyRegister _energy;
    private readonly TimeProvider _time;
    private DateTimeOffset? _lastReadAt;
    private double _lastPowerW;

    public Ina219PowerMeter(II2cDevice device, Ina219Options options, EnergyRegister energy, TimeProvider time)
    {
        _device = device;
        _options = options;
        _energy = energy;
        _time = time;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ShuntOhms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxExpectedCurrentA);
        var nominalLsb = options.MaxExpectedCurrentA / 32768.0;
        var cal = Math.Truncate(0.04096 / (nominalLsb * options.ShuntOhms));
        if (cal is < 1 or > 0xFFFE)
        {
            throw new ArgumentException($"Shunt {options.ShuntOhms} Ω with {options.MaxExpectedCurrentA} A gives calibration {cal}, outside the chip's range.", nameof(options));
        }
        Calibration = (ushort)((ushort)cal & 0xFFFE); // bit 0 is read-only on the chip
        CurrentLsbA = 0.04096 / (Calibration * options.ShuntOhms);
        WriteRegister(Ina219Register.Configuration, options.Configuration);
        WriteRegister(Ina219Register.Calibration, Calibration);
    }

    public ushort Calibration { get; }

    public double CurrentLsbA { get; }

    public double PowerLsbW => 20 * CurrentLsbA;

    public bool TryRead(out PowerReading reading)
    {
        reading = default;
        try
        {
            // A brown-out resets the chip and clears the calibration, which zeroes current and power.
            if (ReadRegister(Ina219Register.Calibration) != Calibration)
            {
                WriteRegister(Ina219Register.Configuration, _options.Configuration);
                WriteRegister(Ina219Register.Calibration, Calibration);
            }
            var bus = ReadRegister(Ina219Register.BusVoltage);
            if ((bus & 0x0001) != 0)
            {
                return false; // math overflow: current or power registers are meaningless
            }
            var voltageV = (bus >> 3) * BusLsbV * _options.BusVoltageScale;
            var currentA = (short)ReadRegister(Ina219Register.Current) * CurrentLsbA;
            var powerW = ReadRegister(Ina219Register.Power) * PowerLsbW * _options.BusVoltageScale;
            var energyWh = Integrate(powerW);
            reading = new PowerReading(voltageV, currentA, powerW, energyWh);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Shunt voltage in volts (diagnostics).</summary>
    public double ReadShuntVoltageV() => (short)ReadRegister(Ina219Register.ShuntVoltage) * 10e-6;

    public void Dispose()
    {
        _energy.Flush();
        _device.Dispose();
    }

    private double Integrate(double powerW)
    {
        var now = _time.GetUtcNow();
        if (_lastReadAt is { } last && now > last)
        {
            var span = now - last;
            if (span > _options.MaxIntegrationGap)
            {
                span = _options.MaxIntegrationGap;
            }
            _energy.AddPower((_lastPowerW + powerW) / 2, span);
        }
        _lastReadAt = now;
        _lastPowerW = powerW;
        return _energy.EnergyWh;
    }

    private ushort ReadRegister(Ina219Register register)
    {
        Span<byte> buffer = stackalloc byte[2];
        _device.WriteRead([(byte)register], buffer);
        return BinaryPrimitives.ReadUInt16BigEndian(buffer);
    }

    private void WriteRegister(Ina219Register register, ushort value)
    {
        Span<byte> buffer = stackalloc byte[3];
        buffer[0] = (byte)register;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[1..], value);
        _device.Write(buffer);
    }
}
