namespace CidadesInteligentes.Edge.Hardware;

/// <summary>One power-meter sample. <paramref name="EnergyWh"/> is the cumulative register, never a delta.</summary>
public readonly record struct PowerReading(double VoltageV, double CurrentA, double PowerW, double EnergyWh);
