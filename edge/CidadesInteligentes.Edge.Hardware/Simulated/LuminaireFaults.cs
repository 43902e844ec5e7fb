namespace CidadesInteligentes.Edge.Hardware.Simulated;

/// <summary>Failures a <see cref="SimulatedLuminaire"/> can be told to show.</summary>
[Flags]
public enum LuminaireFaults
{
    None = 0,

    /// <summary>The LEDs or driver are dead: with the relay on only the driver's standby power flows.</summary>
    LampFailure = 1,

    /// <summary>The relay contacts are welded: the lamp burns whatever the relay is told (day burning).</summary>
    DayBurning = 2,

    /// <summary>The driver trips and restarts (thermal or failing capacitor): lit 3 min, dark 2 min, repeating.</summary>
    Cycling = 4,

    /// <summary>The circuit lost its supply: voltage and power read 0.</summary>
    NoPower = 8,
}
