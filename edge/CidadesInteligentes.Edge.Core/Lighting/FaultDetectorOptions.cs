using CidadesInteligentes.Edge.Hardware;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>Thresholds of the luminaire faults of docs/domain.md; defaults are the documented ones.</summary>
public sealed record FaultDetectorOptions(LedPowerModel Model)
{
    /// <summary>lampFailure: power below this share of the expected power ...</summary>
    public double LampFailureFraction { get; init; } = 0.1;

    /// <summary>... for this many consecutive readings.</summary>
    public int LampFailureReadings { get; init; } = 2;

    /// <summary>lampUnexpectedOn: drawing power while commanded off for longer than this.</summary>
    public TimeSpan DayBurningAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>cyclingFailure: this many on/off switches ...</summary>
    public int CyclingSwitches { get; init; } = 4;

    /// <summary>... within this window while commanded on.</summary>
    public TimeSpan CyclingWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>lampPowerTooHigh/TooLow: outside ±this share of the expected power ...</summary>
    public double PowerTolerance { get; init; } = 0.2;

    /// <summary>... sustained this long.</summary>
    public TimeSpan PowerSustain { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>supplyLoss: voltage below this.</summary>
    public double SupplyLossBelowV { get; init; } = 150;

    /// <summary>Consecutive good readings before an active fault clears (debounce).</summary>
    public int ClearReadings { get; init; } = 2;
}
