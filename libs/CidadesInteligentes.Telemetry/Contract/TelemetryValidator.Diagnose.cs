using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CidadesInteligentes.Telemetry.Contract;

/// <summary>
/// The slow path of <see cref="TelemetryValidator"/>: runs only when source-generated deserialisation has already
/// thrown, so a valid payload never pays for it. The serializer stops at the first wrong-typed field; this walks the
/// document against the payload type's own JSON metadata, reports every field of the wrong JSON type (path, expected,
/// found), then runs the normal rules on the fields that do have the right type. Malformed JSON stays one problem.
/// </summary>
public static partial class TelemetryValidator
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    private static ValidationResult Diagnose<T>(TopicName name, ReadOnlySpan<byte> payload, JsonTypeInfo<T> info, DateTimeOffset now, TimeSpan maxAge, Rules<T> rules, JsonException error)
        where T : class
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray(), DocumentOptions);
        }
        catch (JsonException syntax)
        {
            return SingleProblem(name, syntax); // malformed JSON: one problem, at the syntax error's position
        }
        catch (ArgumentException)
        {
            return SingleProblem(name, error);
        }
        try
        {
            using var owned = document;
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ValidationResult.Fail(name, RejectReasons.Json, [$"payload is not a valid {name.StreamKey} object: expected a JSON object, found {Describe(root.ValueKind)}"]);
            }
            var problems = new Problems { MaxAge = maxAge, WrongTyped = new HashSet<string>(StringComparer.Ordinal) };
            var buffer = new ArrayBufferWriter<byte>(payload.Length);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var property in root.EnumerateObject())
                {
                    if (Expected(info, property.Name) is not { } expected)
                    {
                        continue; // unknown fields are ignored (forward compatibility)
                    }
                    if (WrongType(expected, property.Value) is { } found)
                    {
                        problems.WrongTyped.Add(property.Name);
                        problems.Add(RejectReasons.Json, $"$.{property.Name} has the wrong type: expected {Describe(expected)}, found {found}");
                    }
                    else
                    {
                        property.WriteTo(writer);
                    }
                }
                writer.WriteEndObject();
            }
            if (problems.WrongTyped.Count == 0)
            {
                return SingleProblem(name, error);
            }
            var value = JsonSerializer.Deserialize(buffer.WrittenSpan, info);
            if (value is null)
            {
                return SingleProblem(name, error);
            }
            rules(value, problems, now);
            return ValidationResult.Fail(name, problems.Reason!, problems.List);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Something the walk does not model: the serializer's one problem.
            return SingleProblem(name, error);
        }
    }

    private static ValidationResult SingleProblem(TopicName name, JsonException e)
    {
        var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
        // JsonException positions are zero-based; people count lines and bytes from 1.
        var position = e.LineNumber is { } line && e.BytePositionInLine is { } column ? $" (line {line + 1}, byte {column + 1})" : "";
        return ValidationResult.Fail(name, RejectReasons.Json, [$"payload is not a valid {name.StreamKey} object{where}{position}: {FirstSentence(e.Message)}"]);
    }

    private static Type? Expected<T>(JsonTypeInfo<T> info, string field)
    {
        foreach (var property in info.Properties)
        {
            if (string.Equals(property.Name, field, StringComparison.Ordinal))
            {
                return Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            }
        }
        return null;
    }

    /// <summary>What was found when <paramref name="value"/> does not fit <paramref name="expected"/>; null when it fits.</summary>
    private static string? WrongType(Type expected, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null; // every contract field is nullable: null reads as absent and the rules say if it is required
        }
        var fits = expected switch
        {
            _ when expected == typeof(int) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            _ when expected == typeof(long) => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            _ when expected == typeof(double) => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out _),
            _ when expected == typeof(bool) => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when expected == typeof(string) => value.ValueKind == JsonValueKind.String,
            _ when expected == typeof(DateTimeOffset) => value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _),
            _ => true, // nested objects (a command's program) are not device → cloud payloads
        };
        if (fits)
        {
            return null;
        }
        var integer = expected == typeof(int) || expected == typeof(long);
        return value.ValueKind switch
        {
            JsonValueKind.Number when !integer => "a number",
            JsonValueKind.Number when value.TryGetInt64(out _) => $"the integer {Clip(value.GetRawText())}, outside the int32 range",
            JsonValueKind.Number when IsPlainInteger(value) => $"the integer {Clip(value.GetRawText())}, outside the int64 range",
            JsonValueKind.Number => $"the number {Clip(value.GetRawText())}, not a plain integer",
            JsonValueKind.String when expected == typeof(DateTimeOffset) => $"the string \"{Clip(value.GetString()!)}\", not an ISO-8601 time",
            _ => Describe(value.ValueKind),
        };
    }

    private static bool IsPlainInteger(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0;

    private static string Describe(Type expected) => expected switch
    {
        _ when expected == typeof(int) => "an integer (int32)",
        _ when expected == typeof(long) => "an integer (int64)",
        _ when expected == typeof(double) => "a number",
        _ when expected == typeof(bool) => "a boolean",
        _ when expected == typeof(DateTimeOffset) => "a string with a UTC ISO-8601 time",
        _ when expected == typeof(string) => "a string",
        _ => "an object",
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an undefined value",
    };
}
