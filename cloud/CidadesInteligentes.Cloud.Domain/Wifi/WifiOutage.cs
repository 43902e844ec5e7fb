namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>Minutes a point was not up, with the cause: <c>offline</c> (no data / offline status), <c>backhaul</c> or <c>portal</c>.</summary>
public sealed record WifiOutage(DateTimeOffset Start, DateTimeOffset End, string Cause);
