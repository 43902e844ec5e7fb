using System.Text.Json.Serialization;

namespace CidadesInteligentes.Cloud.Domain.Registry;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    IgnoreReadOnlyProperties = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RegistryDocument))]
internal sealed partial class RegistryJson : JsonSerializerContext;
