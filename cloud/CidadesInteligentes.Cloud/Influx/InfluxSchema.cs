namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// The measurements written from the telemetry contract. Names keep to <c>[a-z][A-Za-z0-9_]*</c> so that no query
/// or dashboard needs quoting rules beyond plain double quotes, and tag values keep to the contract's own safe
/// alphabets (IBGE code, device id, kind, event type).
/// </summary>
public static class InfluxSchema
{
    public const string Luminaire = "luminaire_telemetry";
    public const string Hotspot = "hotspot_telemetry";
    public const string Event = "device_event";
    public const string Status = "device_status";

    public const string CityTag = "city";
    public const string DeviceTag = "device";
    public const string KindTag = "kind";
    public const string TypeTag = "type";

    private static readonly string[] DeviceTags = [CityTag, DeviceTag, KindTag];

    public static IReadOnlyDictionary<string, InfluxMeasurement> Measurements { get; } = new[]
    {
        new InfluxMeasurement(Luminaire, DeviceTags, new Dictionary<string, InfluxFieldType>
        {
            ["seq"] = InfluxFieldType.Integer,
            ["energyWh"] = InfluxFieldType.Float,
            ["burnSeconds"] = InfluxFieldType.Integer,
            ["powerW"] = InfluxFieldType.Float,
            ["voltageV"] = InfluxFieldType.Float,
            ["currentA"] = InfluxFieldType.Float,
            ["powerFactor"] = InfluxFieldType.Float,
            ["dimPercent"] = InfluxFieldType.Integer,
            ["lampOn"] = InfluxFieldType.Boolean,
            ["ambientLux"] = InfluxFieldType.Float,
            ["driverTempC"] = InfluxFieldType.Float,
            ["uptimeS"] = InfluxFieldType.Integer,
        }),
        new InfluxMeasurement(Hotspot, DeviceTags, new Dictionary<string, InfluxFieldType>
        {
            ["seq"] = InfluxFieldType.Integer,
            ["uptimeS"] = InfluxFieldType.Integer,
            ["backhaulUp"] = InfluxFieldType.Boolean,
            ["latencyMs"] = InfluxFieldType.Float,
            ["lossPercent"] = InfluxFieldType.Float,
            ["downMbps"] = InfluxFieldType.Float,
            ["upMbps"] = InfluxFieldType.Float,
            ["portalOk"] = InfluxFieldType.Boolean,
            ["clients"] = InfluxFieldType.Integer,
            ["uniqueClientsToday"] = InfluxFieldType.Integer,
            ["rxBytes"] = InfluxFieldType.Integer,
            ["txBytes"] = InfluxFieldType.Integer,
        }),
        new InfluxMeasurement(Event, [CityTag, DeviceTag, KindTag, TypeTag], new Dictionary<string, InfluxFieldType>
        {
            ["seq"] = InfluxFieldType.Integer,
            ["active"] = InfluxFieldType.Boolean,
            ["detail"] = InfluxFieldType.String,
        }),
        new InfluxMeasurement(Status, DeviceTags, new Dictionary<string, InfluxFieldType>
        {
            ["state"] = InfluxFieldType.String,
            ["online"] = InfluxFieldType.Boolean,
            ["firmware"] = InfluxFieldType.String,
            ["reason"] = InfluxFieldType.String,
        }),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>True for a measurement, tag or field name this project writes: <c>[A-Za-z][A-Za-z0-9_]*</c>.</summary>
    public static bool IsSafeName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>True for a tag value from a device: <c>[A-Za-z0-9_.-]</c>, 1–64 characters.</summary>
    public static bool IsSafeTagValue(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
