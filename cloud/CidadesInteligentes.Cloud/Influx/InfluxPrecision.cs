namespace CidadesInteligentes.Cloud.Influx;

/// <summary>Timestamp precision of a write; the text is the <c>precision</c> query parameter of <c>/write</c>.</summary>
public enum InfluxPrecision
{
    Nanoseconds,
    Microseconds,
    Milliseconds,
    Seconds,
}
