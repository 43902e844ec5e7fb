namespace CidadesInteligentes.Edge.Hardware;

/// <summary>The LED driver's dimming input: light output level in percent.</summary>
public interface IDimmer
{
    /// <summary>The level last applied, 0–100 %.</summary>
    int LevelPercent { get; }

    /// <summary>Applies a level, 0–100 %. Throws <see cref="ArgumentOutOfRangeException"/> outside that range.</summary>
    void SetLevel(int percent);
}
