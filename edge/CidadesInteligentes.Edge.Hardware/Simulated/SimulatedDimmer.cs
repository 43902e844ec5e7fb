namespace CidadesInteligentes.Edge.Hardware.Simulated;

/// <summary>A dimmer that only remembers the level it was told.</summary>
public sealed class SimulatedDimmer : IDimmer
{
    private volatile int _level = 100;

    public int LevelPercent => _level;

    public void SetLevel(int percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        _level = percent;
    }
}
