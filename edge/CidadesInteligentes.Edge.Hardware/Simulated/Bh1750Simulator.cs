using System.Buffers.Binary;
using CidadesInteligentes.Edge.Hardware.Linux;

namespace CidadesInteligentes.Edge.Hardware.Simulated;

/// <summary>
/// A BH1750 that answers reads with <c>round(lux × 1.2)</c> (saturating at 65535) once it is powered on and put in
/// a measurement mode; powered down it answers 0, as the real chip's data register does after reset.
/// </summary>
public sealed class Bh1750Simulator : II2cDevice
{
    private readonly Lock _gate = new();
    private bool _poweredOn;
    private bool _measuring;
    private double _lux;

    public Bh1750Simulator(int address = Bh1750LightSensor.DefaultAddress) => Address = address;

    public int Address { get; }

    public bool Unresponsive { get; set; }

    public bool Measuring
    {
        get
        {
            lock (_gate)
            {
                return _measuring;
            }
        }
    }

    public double Lux
    {
        get
        {
            lock (_gate)
            {
                return _lux;
            }
        }
        set
        {
            lock (_gate)
            {
                _lux = Math.Max(0, value);
            }
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        ThrowIfUnresponsive();
        lock (_gate)
        {
            foreach (var b in data)
            {
                switch ((Bh1750Command)b)
                {
                    case Bh1750Command.PowerDown:
                        _poweredOn = false;
                        _measuring = false;
                        break;
                    case Bh1750Command.PowerOn:
                        _poweredOn = true;
                        break;
                    case Bh1750Command.Reset:
                        break;
                    default:
                        _measuring = _poweredOn;
                        break;
                }
            }
        }
    }

    public void Read(Span<byte> buffer)
    {
        ThrowIfUnresponsive();
        ushort count;
        lock (_gate)
        {
            count = _measuring ? (ushort)Math.Min(65535, Math.Round(_lux * Bh1750LightSensor.CountsPerLux)) : (ushort)0;
        }
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, count);
        bytes[..Math.Min(2, buffer.Length)].CopyTo(buffer);
    }

    public void Dispose()
    {
    }

    private void ThrowIfUnresponsive()
    {
        if (Unresponsive)
        {
            throw new IOException($"I2C device 0x{Address:x2} did not acknowledge.");
        }
    }
}
