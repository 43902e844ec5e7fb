using CidadesInteligentes.Edge.Hardware;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>Settings of one <see cref="LuminaireAgent"/>.</summary>
/// <param name="Identity">Device id, city (IBGE) and firmware; kind must be luminaire.</param>
/// <param name="Latitude">Pole latitude in degrees (sunset/sunrise).</param>
/// <param name="Longitude">Pole longitude in degrees.</param>
/// <param name="LedPowerW">Nominal system power, for the expected-power fault checks.</param>
/// <param name="TelemetryInterval">How often the host calls <see cref="LuminaireAgent.Report"/>.</param>
/// <param name="BurnSecondsFile">Where the cumulative burn time is kept across restarts (null: memory only).</param>
/// <param name="RunMarkerFile">
/// Written at start and removed by <see cref="LuminaireAgent.Flush"/>: found at start from another boot, it means
/// the controller lost power while running and the agent raises supplyLoss (null: no such check).
/// </param>
/// <param name="BootId">This boot's id (null: read from /proc/sys/kernel/random/boot_id); set by tests.</param>
/// <param name="BurnSaveEverySeconds">
/// Burning seconds between writes of <paramref name="BurnSecondsFile"/> (SD-card wear; a crash loses at most this much);
/// <see cref="LuminaireAgent.Flush"/> always writes it. The fleet simulator, with thousands of agents on one disk, writes less often.
/// </param>
public sealed record LuminaireAgentOptions(
    DeviceIdentity Identity,
    double Latitude,
    double Longitude,
    double LedPowerW = 60,
    TimeSpan? TelemetryInterval = null,
    string? BurnSecondsFile = null,
    string? RunMarkerFile = null,
    string? BootId = null,
    double BurnSaveEverySeconds = 600)
{
    public TimeSpan EffectiveTelemetryInterval => TelemetryInterval ?? TimeSpan.FromSeconds(60);
}

/// <summary>The four devices a luminaire agent drives and reads.</summary>
public sealed record LuminaireHardware(IDimmer Dimmer, IRelay Relay, IPowerMeter Meter, ILightSensor LightSensor);
