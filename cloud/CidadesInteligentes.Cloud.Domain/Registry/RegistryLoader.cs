using System.Text.Json;

namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>Reads and writes the registry JSON; a bad document yields every problem at once, never just the first.</summary>
public static class RegistryLoader
{
    public static RegistryParseResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        RegistryDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, RegistryJson.Default.RegistryDocument);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } p ? p : "$";
            var line = ex.LineNumber is { } l ? $" (line {l + 1})" : "";
            return new RegistryParseResult(null, [new RegistryProblem(where, "not valid registry JSON" + line + ": " + FirstSentence(ex.Message))]);
        }
        if (doc is null)
        {
            return new RegistryParseResult(null, [new RegistryProblem("$", "the document is empty (null)")]);
        }
        var problems = RegistryValidator.Validate(doc);
        return new RegistryParseResult(doc, problems);
    }

    public static string Serialize(RegistryDocument document) =>
        JsonSerializer.Serialize(document, RegistryJson.Default.RegistryDocument);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
