namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>The probes a <see cref="HotspotSampler"/> runs, grouped so its constructor stays short.</summary>
public sealed record HotspotProbes(TcpProbe Backhaul, CaptivePortalProbe Portal, ThroughputProbe Throughput);
