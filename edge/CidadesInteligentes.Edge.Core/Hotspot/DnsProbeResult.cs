namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Outcome of resolving one name.</summary>
public sealed record DnsProbeResult(bool Resolved, double? ElapsedMs, int AddressCount);
