namespace CidadesInteligentes.Cloud.Influx;

/// <summary>One measurement the sink writes: its tag keys and typed fields (docs/influx.md).</summary>
public sealed record InfluxMeasurement(string Name, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, InfluxFieldType> Fields);
