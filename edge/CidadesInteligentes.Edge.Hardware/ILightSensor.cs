namespace CidadesInteligentes.Edge.Hardware;

/// <summary>Ambient light sensor (photocell) in lux.</summary>
public interface ILightSensor
{
    /// <summary>Reads the illuminance; false when the sensor did not answer.</summary>
    bool TryReadLux(out double lux);
}
