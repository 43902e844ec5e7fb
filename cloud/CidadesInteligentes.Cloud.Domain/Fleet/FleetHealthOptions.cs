namespace CidadesInteligentes.Cloud.Domain.Fleet;

/// <summary>How the cloud decides a device is offline and whether many went down together.</summary>
public sealed record FleetHealthOptions
{
    /// <summary>No sign of life for this long = offline (default 3 telemetry intervals of 60 s).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Devices whose last sign of life falls within this window dropped "together".</summary>
    public TimeSpan TogetherWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A drop is a supply loss when at least this many devices of one circuit (or city) drop together…</summary>
    public int SupplyLossMinDevices { get; init; } = 3;

    /// <summary>…and they are at least this share of that circuit's (or city's) devices.</summary>
    public double SupplyLossMinShare { get; init; } = 0.5;

    /// <summary>Below this supply voltage a luminaire reports a supply problem (docs/domain.md).</summary>
    public double LowVoltageV { get; init; } = 150;

    public static FleetHealthOptions Default { get; } = new();
}
