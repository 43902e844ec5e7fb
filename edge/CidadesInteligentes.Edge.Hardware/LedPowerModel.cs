namespace CidadesInteligentes.Edge.Hardware;

/// <summary>
/// Input power of an LED luminaire (driver + LEDs) against its dim level. The driver draws a fixed share of the
/// nominal power even at its lowest level (control circuit, switching losses), so system power is
/// <c>P(d) = P_nom × (f + (1 − f) × d/100)</c> with <c>f = 0.1</c> by default — the rule of docs/domain.md.
/// The LED array itself receives <c>P_nom × η_full × d/100</c>, so driver efficiency falls at deep dimming.
/// </summary>
public sealed record LedPowerModel
{
    public LedPowerModel(double nominalPowerW, double fixedFraction = 0.1, double fullLoadEfficiency = 0.9)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nominalPowerW);
        if (fixedFraction is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fixedFraction), fixedFraction, "must be in [0, 1)");
        }
        if (fullLoadEfficiency is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fullLoadEfficiency), fullLoadEfficiency, "must be in (0, 1]");
        }
        NominalPowerW = nominalPowerW;
        FixedFraction = fixedFraction;
        FullLoadEfficiency = fullLoadEfficiency;
    }

    /// <summary>System power at 100 %, as on the name plate.</summary>
    public double NominalPowerW { get; }

    public double FixedFraction { get; }

    /// <summary>Driver efficiency at 100 % (LED array power ÷ input power).</summary>
    public double FullLoadEfficiency { get; }

    /// <summary>Input power with the lamp on at <paramref name="dimPercent"/>.</summary>
    public double ExpectedPowerW(int dimPercent)
    {
        var d = Math.Clamp(dimPercent, 0, 100) / 100.0;
        return NominalPowerW * (FixedFraction + ((1 - FixedFraction) * d));
    }

    /// <summary>Power reaching the LEDs at <paramref name="dimPercent"/>.</summary>
    public double LedPowerW(int dimPercent) => NominalPowerW * FullLoadEfficiency * Math.Clamp(dimPercent, 0, 100) / 100.0;

    /// <summary>Driver efficiency at <paramref name="dimPercent"/>: LED power ÷ input power.</summary>
    public double DriverEfficiency(int dimPercent) => LedPowerW(dimPercent) / ExpectedPowerW(dimPercent);
}
