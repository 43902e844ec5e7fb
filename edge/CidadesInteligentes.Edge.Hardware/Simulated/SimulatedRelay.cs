namespace CidadesInteligentes.Edge.Hardware.Simulated;

/// <summary>A relay that only remembers what it was told.</summary>
public sealed class SimulatedRelay : IRelay
{
    private volatile bool _on;

    public bool IsOn => _on;

    public int SwitchCount { get; private set; }

    public void Set(bool on)
    {
        if (on != _on)
        {
            SwitchCount++;
        }
        _on = on;
    }
}
