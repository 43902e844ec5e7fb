using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>
/// Checks every field of a parsed registry against the JSON type its property expects (from the source-generated
/// metadata), records one problem per wrong-typed field and removes it, so that binding cannot stop at the first one
/// and the remaining fields are still validated.
/// </summary>
internal static class RegistryTypeCheck
{
    public static void Check(JsonNode? node, JsonTypeInfo type, string path, List<RegistryProblem> problems)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (node is not JsonObject obj)
                {
                    problems.Add(new(path, "must be an object ({ … })" + Found(node)));
                    return;
                }
                foreach (var property in type.Properties)
                {
                    if (property.Set is null || !obj.TryGetPropertyValue(property.Name, out var value))
                    {
                        continue;
                    }
                    var at = path + "." + property.Name;
                    if (value is null)
                    {
                        if (!property.IsSetNullable)
                        {
                            problems.Add(new(at, "must not be null"));
                            obj.Remove(property.Name);
                        }
                        continue;
                    }
                    var before = problems.Count;
                    Check(value, Info(property.PropertyType), at, problems);
                    if (problems.Count > before && problems[^1].Path == at)
                    {
                        obj.Remove(property.Name); // bind the default; the validator's problem for it is dropped
                    }
                }
                return;
            case JsonTypeInfoKind.Enumerable:
                if (node is not JsonArray array)
                {
                    problems.Add(new(path, "must be a list ([ … ])" + Found(node)));
                    return;
                }
                var element = Info(type.ElementType!);
                for (var i = 0; i < array.Count; i++)
                {
                    var at = $"{path}[{i}]";
                    var before = problems.Count;
                    if (array[i] is null)
                    {
                        problems.Add(new(at, "must be an object, not null"));
                    }
                    else
                    {
                        Check(array[i], element, at, problems);
                    }
                    if (problems.Count > before && problems[^1].Path == at)
                    {
                        array[i] = new JsonObject(); // keeps the indices of the entries after it
                    }
                }
                return;
            default:
                if (Primitive(node!, Nullable.GetUnderlyingType(type.Type) ?? type.Type) is { } expected)
                {
                    problems.Add(new(path, "must be " + expected + Found(node)));
                }
                return;
        }
    }

    /// <summary>Null when the value fits the type, else what was expected.</summary>
    private static string? Primitive(JsonNode node, Type type)
    {
        var kind = node.GetValueKind();
        if (type == typeof(string))
        {
            return kind == JsonValueKind.String ? null : "text (a JSON string)";
        }
        if (type == typeof(bool))
        {
            return kind is JsonValueKind.True or JsonValueKind.False ? null : "true or false";
        }
        if (type == typeof(int))
        {
            return kind == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out _) ? null : "a whole number";
        }
        if (type == typeof(double))
        {
            return kind == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && double.IsFinite(d) ? null : "a number";
        }
        if (type == typeof(DateOnly))
        {
            return kind == JsonValueKind.String && DateOnly.TryParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? null : "a date (\"YYYY-MM-DD\")";
        }
        return null; // binding reports anything else
    }

    private static JsonTypeInfo Info(Type type) =>
        RegistryJson.Default.GetTypeInfo(type) ?? throw new InvalidOperationException($"no JSON metadata for {type}");

    private static string Found(JsonNode? node) => node switch
    {
        null => ", not null",
        JsonObject => ", not an object",
        JsonArray => ", not a list",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => $", not text (\"{Shorten(node.GetValue<string>())}\")",
            JsonValueKind.Number => $", not {node.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $", not {node.ToJsonString()}",
            _ => "",
        },
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
