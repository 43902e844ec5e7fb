namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>BH1750 instruction codes (one byte each).</summary>
public enum Bh1750Command : byte
{
    PowerDown = 0x00,
    PowerOn = 0x01,
    Reset = 0x07,
    ContinuousHighResolution = 0x10,
    ContinuousHighResolution2 = 0x11,
    ContinuousLowResolution = 0x13,
    OneTimeHighResolution = 0x20,
}
