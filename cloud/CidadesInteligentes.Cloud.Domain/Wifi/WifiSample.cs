namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>One hotspot telemetry message reduced to what compliance needs.</summary>
public readonly record struct WifiSample(
    long Seq,
    DateTimeOffset Ts,
    bool BackhaulUp,
    bool PortalOk,
    double? LatencyMs,
    double? LossPercent,
    double? DownMbps,
    double? UpMbps,
    int Clients,
    int UniqueClientsToday);
