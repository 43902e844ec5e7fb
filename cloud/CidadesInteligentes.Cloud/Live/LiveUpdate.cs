namespace CidadesInteligentes.Cloud.Live;

/// <summary>One Server-Sent Event: <paramref name="Event"/> is telemetry, status, alert or ack; <paramref name="Json"/> its data.</summary>
internal sealed record LiveUpdate(string Event, string? City, string Json);
