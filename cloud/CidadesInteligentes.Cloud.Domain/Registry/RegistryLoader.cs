using System.Text.Json;
using System.Text.Json.Nodes;

namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>Reads and writes the registry JSON; a bad document yields every problem at once, never just the first.</summary>
public static class RegistryLoader
{
    public static RegistryParseResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, null, Options);
        }
        catch (JsonException ex)
        {
            return Broken(ex);
        }
        // a field given twice is refused (which value would count?); JsonObject would throw on it when first read
        var duplicates = new List<RegistryProblem>();
        using (var document = JsonDocument.Parse(json, Options))
        {
            FindDuplicates(document.RootElement, "$", duplicates);
        }
        if (duplicates.Count > 0)
        {
            return new RegistryParseResult(null, duplicates);
        }
        if (root is null)
        {
            return new RegistryParseResult(null, [new RegistryProblem("$", "the document is empty (null)")]);
        }
        // every wrong-typed field is listed and left out, so binding cannot stop at the first one
        var typeProblems = new List<RegistryProblem>();
        RegistryTypeCheck.Check(root, RegistryJson.Default.RegistryDocument, "$", typeProblems);
        if (root is not JsonObject)
        {
            return new RegistryParseResult(null, typeProblems);
        }
        RegistryDocument? doc;
        try
        {
            doc = root.Deserialize(RegistryJson.Default.RegistryDocument);
        }
        catch (JsonException ex)
        {
            return new RegistryParseResult(null, [.. typeProblems, .. Broken(ex).Problems]);
        }
        if (doc is null)
        {
            return new RegistryParseResult(null, [new RegistryProblem("$", "the document is empty (null)")]);
        }
        // a range problem about a field that was left out for its type would only repeat it
        var problems = RegistryValidator.Validate(doc).Where(p => !typeProblems.Any(t => Within(p.Path, t.Path)));
        return new RegistryParseResult(doc, [.. typeProblems, .. problems]);
    }

    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static void FindDuplicates(JsonElement element, string path, List<RegistryProblem> problems)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                FindDuplicates(item, $"{path}[{i++}]", problems);
            }
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var at = path + "." + property.Name;
            if (!names.Add(property.Name))
            {
                problems.Add(new(at, $"'{property.Name}' is given more than once in this object; give it once"));
                continue;
            }
            FindDuplicates(property.Value, at, problems);
        }
    }

    private static bool Within(string path, string outer) =>
        path == outer || (path.StartsWith(outer, StringComparison.Ordinal) && path[outer.Length] is '.' or '[');

    private static RegistryParseResult Broken(JsonException ex)
    {
        var where = ex.Path is { Length: > 0 } p ? p : "$";
        var line = ex.LineNumber is { } l ? $" (line {l + 1})" : "";
        return new RegistryParseResult(null, [new RegistryProblem(where, "not valid registry JSON" + line + ": " + FirstSentence(ex.Message))]);
    }

    public static string Serialize(RegistryDocument document) =>
        JsonSerializer.Serialize(document, RegistryJson.Default.RegistryDocument);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
