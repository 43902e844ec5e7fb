namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// The probes a <see cref="HotspotSampler"/> runs, grouped so its constructor stays short. Without
/// <paramref name="Dns"/> the names of <see cref="HotspotSamplerSettings.DnsNames"/> are not resolved.
/// </summary>
public sealed record HotspotProbes(TcpProbe Backhaul, CaptivePortalProbe Portal, ThroughputProbe Throughput, DnsProbe? Dns = null);
