namespace CidadesInteligentes.Edge.Hardware;

/// <summary>The relay that switches the LED driver's mains supply.</summary>
public interface IRelay
{
    bool IsOn { get; }

    void Set(bool on);
}
