namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>What the store holds about one Wi-Fi point for the month (any order; duplicates allowed).</summary>
public sealed record WifiPointInput(string Device, IReadOnlyList<WifiSample> Samples, IReadOnlyList<StatusChange>? Statuses = null);
