using System.Buffers.Binary;

namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>BH1750 ambient light sensor in continuous high-resolution mode (1 lx resolution, 120 ms).</summary>
public sealed class Bh1750LightSensor : ILightSensor, IDisposable
{
    /// <summary>Address with the ADDR pin low; 0x5C with it high.</summary>
    public const int DefaultAddress = 0x23;

    /// <summary>Counts per lux at the default measurement time (datasheet: lx = count ÷ 1.2).</summary>
    public const double CountsPerLux = 1.2;

    private readonly II2cDevice _device;
    private bool _started;

    public Bh1750LightSensor(II2cDevice device)
    {
        _device = device;
        TryStart();
    }

    public bool TryReadLux(out double lux)
    {
        lux = 0;
        try
        {
            if (!_started && !TryStart())
            {
                return false;
            }
            Span<byte> buffer = stackalloc byte[2];
            _device.Read(buffer);
            lux = BinaryPrimitives.ReadUInt16BigEndian(buffer) / CountsPerLux;
            return true;
        }
        catch (IOException)
        {
            _started = false; // the sensor may have lost power; start it again on the next read
            return false;
        }
    }

    public void Dispose() => _device.Dispose();

    private bool TryStart()
    {
        try
        {
            _device.Write([(byte)Bh1750Command.PowerOn]);
            _device.Write([(byte)Bh1750Command.ContinuousHighResolution]);
            _started = true;
        }
        catch (IOException)
        {
            _started = false;
        }
        return _started;
    }
}
