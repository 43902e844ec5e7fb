namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Captive-portal check outcome; <paramref name="Problem"/> says in words why it is not OK.</summary>
public sealed record PortalCheckResult(bool Ok, int? StatusCode, string? Problem);
