namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// What the hotspot sampler probes; validated by the host. <paramref name="DnsNames"/> are resolved once per
/// interval: when none resolves, the backhaul counts as down (the contract has no DNS field).
/// </summary>
public sealed record HotspotSamplerSettings(
    IReadOnlyList<ProbeTarget> BackhaulTargets,
    Uri PortalUrl,
    int PortalExpectedStatus = 200,
    string? PortalExpectedBodyContains = null,
    Uri? ThroughputDownloadUrl = null,
    Uri? ThroughputUploadUrl = null,
    int ThroughputUploadBytes = 1_000_000,
    IReadOnlyList<string>? DnsNames = null);
