namespace CidadesInteligentes.Cloud.Influx;

/// <summary>A line the server refused on its own (isolated from its batch), with the server's error message.</summary>
public sealed record DroppedLine(string Line, string Error);
