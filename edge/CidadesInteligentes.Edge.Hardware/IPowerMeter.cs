namespace CidadesInteligentes.Edge.Hardware;

/// <summary>Supply voltage, current, active power and the cumulative energy register of one luminaire.</summary>
public interface IPowerMeter
{
    /// <summary>Reads the meter; false when the chip did not answer or reported an overflow.</summary>
    bool TryRead(out PowerReading reading);
}
