namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>A retained status (birth or will) seen for a device at <paramref name="Ts"/>.</summary>
public readonly record struct StatusChange(DateTimeOffset Ts, bool Online);
