namespace CidadesInteligentes.Cloud.Domain.Wifi;

public sealed record WifiTimelineSpan(DateTimeOffset Start, DateTimeOffset End, string State);
