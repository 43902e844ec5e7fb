namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// One reading as the fault detector sees it: what the controller commanded and what the meter measured.
/// <paramref name="VoltageV"/> is null when the meter gives no voltage; <paramref name="RebootedAfterPowerLoss"/>
/// is set on the first reading after the agent started from a power cut.
/// </summary>
public readonly record struct LuminaireSample(
    DateTimeOffset Ts,
    bool CommandedOn,
    int DimPercent,
    double PowerW,
    double? VoltageV = null,
    bool RebootedAfterPowerLoss = false);
