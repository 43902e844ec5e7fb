using System.Buffers.Binary;
using CidadesInteligentes.Edge.Hardware.Linux;

namespace CidadesInteligentes.Edge.Hardware.Simulated;

/// <summary>
/// Register map of an INA219 that derives its registers from a physical load the way the chip does
/// (datasheet SBOS448 §8.5): shunt register = V_shunt ÷ 10 µV, clamped at ±32000 for PGA ÷8;
/// current register = trunc(shunt × Cal ÷ 4096); power register = trunc(current × bus ÷ 5000) with the bus value
/// in 4 mV units. Until calibration is written current and power read 0, as on the real chip.
/// </summary>
public sealed class Ina219Simulator : II2cDevice
{
    private readonly Lock _gate = new();
    private readonly double _shuntOhms;
    private byte _pointer;
    private ushort _configuration = 0x399F;
    private ushort _calibration;
    private double _busVoltageV;
    private double _currentA;

    public Ina219Simulator(double shuntOhms = 0.1, int address = 0x40)
    {
        _shuntOhms = shuntOhms;
        Address = address;
    }

    public int Address { get; }

    /// <summary>When true every transfer fails, as with a disconnected or dead chip.</summary>
    public bool Unresponsive { get; set; }

    public ushort CalibrationRegister
    {
        get
        {
            lock (_gate)
            {
                return _calibration;
            }
        }
    }

    /// <summary>Sets what the chip's inputs see: bus voltage at the IN− pin and current through the shunt.</summary>
    public void SetLoad(double busVoltageV, double currentA)
    {
        lock (_gate)
        {
            _busVoltageV = Math.Clamp(busVoltageV, 0, 32);
            _currentA = currentA;
        }
    }

    /// <summary>Power-on reset: configuration back to default, calibration lost.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _configuration = 0x399F;
            _calibration = 0;
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        ThrowIfUnresponsive();
        if (data.IsEmpty)
        {
            return;
        }
        lock (_gate)
        {
            _pointer = data[0];
            if (data.Length >= 3)
            {
                var value = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
                switch ((Ina219Register)_pointer)
                {
                    case Ina219Register.Configuration:
                        if ((value & 0x8000) != 0)
                        {
                            _configuration = 0x399F;
                            _calibration = 0;
                        }
                        else
                        {
                            _configuration = value;
                        }
                        break;
                    case Ina219Register.Calibration:
                        _calibration = (ushort)(value & 0xFFFE);
                        break;
                    default:
                        break; // measurement registers are read-only
                }
            }
        }
    }

    public void Read(Span<byte> buffer)
    {
        ThrowIfUnresponsive();
        ushort value;
        lock (_gate)
        {
            value = RegisterValue((Ina219Register)_pointer);
        }
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = bytes[i % 2];
        }
    }

    public void Dispose()
    {
    }

    private ushort RegisterValue(Ina219Register register)
    {
        var shunt = (int)Math.Round(_currentA * _shuntOhms / 10e-6);
        var overflow = Math.Abs(shunt) > 32000;
        shunt = Math.Clamp(shunt, -32000, 32000);
        var bus = (int)Math.Round(_busVoltageV / 0.004);
        var current = _calibration == 0 ? 0 : (int)((long)shunt * _calibration / 4096);
        var power = _calibration == 0 ? 0 : (int)Math.Abs((long)current * bus / 5000);
        overflow |= current is > short.MaxValue or < short.MinValue || power > ushort.MaxValue;
        return register switch
        {
            Ina219Register.Configuration => _configuration,
            Ina219Register.ShuntVoltage => (ushort)(short)shunt,
            // CNVR (bit 1) set: a conversion is ready; OVF (bit 0) on math overflow.
            Ina219Register.BusVoltage => (ushort)((bus << 3) | 0x2 | (overflow ? 1 : 0)),
            Ina219Register.Power => (ushort)Math.Min(power, ushort.MaxValue),
            Ina219Register.Current => (ushort)(short)Math.Clamp(current, short.MinValue, short.MaxValue),
            Ina219Register.Calibration => _calibration,
            _ => 0,
        };
    }

    private void ThrowIfUnresponsive()
    {
        if (Unresponsive)
        {
            throw new IOException($"I2C device 0x{Address:x2} did not acknowledge.");
        }
    }
}
