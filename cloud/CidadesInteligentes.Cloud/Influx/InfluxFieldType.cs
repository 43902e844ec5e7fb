namespace CidadesInteligentes.Cloud.Influx;

public enum InfluxFieldType
{
    Float,
    Integer,
    Boolean,
    String,
}
