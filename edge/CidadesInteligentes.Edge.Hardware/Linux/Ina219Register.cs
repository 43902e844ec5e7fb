namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>INA219 register pointers (datasheet SBOS448, table 2). All registers are 16-bit big-endian.</summary>
public enum Ina219Register : byte
{
    Configuration = 0x00,
    ShuntVoltage = 0x01,
    BusVoltage = 0x02,
    Power = 0x03,
    Current = 0x04,
    Calibration = 0x05,
}
