using System.Text.Json.Serialization;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>A command id this device has executed and the result it acknowledged.</summary>
internal sealed record RememberedCommand(string Id, string Result, DateTimeOffset At);

/// <summary>Source-generated JSON for the lighting state files.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LightingOverride))]
[JsonSerializable(typeof(List<RememberedCommand>))]
internal sealed partial class LightingJson : JsonSerializerContext;
