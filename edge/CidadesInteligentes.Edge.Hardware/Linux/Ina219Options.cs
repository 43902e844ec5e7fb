namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>
/// Wiring of an INA219 power monitor.
/// <para><see cref="BusVoltageScale"/>: the chip's bus input tolerates 32 V, so on a luminaire it sees the supply
/// through an isolated k:1 divider; measured voltage and power are multiplied by k. The shunt carries the real
/// load current, so current is not scaled.</para>
/// <para><see cref="MaxIntegrationGap"/>: when reads are further apart than this (agent paused, bus error), only
/// this much time is integrated, so a stale power value cannot invent energy.</para>
/// </summary>
public sealed record Ina219Options(
    double ShuntOhms = 0.1,
    double MaxExpectedCurrentA = 2.0,
    double BusVoltageScale = 1.0,
    ushort Configuration = Ina219Options.Default32V320mV12Bit)
{
    /// <summary>32 V bus range, PGA ÷8 (±320 mV shunt), 12-bit bus and shunt ADC, continuous shunt and bus.</summary>
    public const ushort Default32V320mV12Bit = 0x399F;

    public TimeSpan MaxIntegrationGap { get; init; } = TimeSpan.FromMinutes(5);
}
