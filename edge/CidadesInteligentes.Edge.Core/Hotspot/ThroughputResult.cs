namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Result of a throughput test; a direction that was not tested or failed is null.</summary>
public sealed record ThroughputResult(double? DownMbps, double? UpMbps, long DownloadedBytes, long UploadedBytes);
