namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>A host and TCP port the backhaul probe connects to (e.g. a DNS resolver on 53 or a web server on 443).</summary>
public sealed record ProbeTarget(string Host, int Port);
