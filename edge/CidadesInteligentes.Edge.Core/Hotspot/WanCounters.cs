namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Cumulative bytes through the WAN interface.</summary>
public readonly record struct WanCounters(long RxBytes, long TxBytes);
