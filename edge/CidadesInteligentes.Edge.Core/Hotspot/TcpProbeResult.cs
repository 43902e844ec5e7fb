namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>One round of TCP connects: how many were tried, how many failed, and the connect times of the others.</summary>
public sealed record TcpProbeResult(int Attempts, int Failures, IReadOnlyList<double> LatenciesMs)
{
    public bool AnyReached => Failures < Attempts;
}
