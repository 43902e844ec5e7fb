using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// The agent's configuration as flat <c>Section:Key</c> → value pairs (keys case-insensitive, later sources win):
/// JSON files (nested objects become <c>Section:Key</c>, array items <c>Section:0</c>; comments and trailing commas
/// allowed), environment variables (<c>Section__Key</c>) and the command line (<c>--Section:Key value</c>,
/// <c>--Section:Key=value</c>, <c>/Section:Key value</c>, <c>Section:Key=value</c>, plus the short aliases).
/// These are the rules of Microsoft.Extensions.Configuration's JSON, environment and command-line providers, which
/// the agent used before; it reads its few settings once at start, and the provider stack (file providers, change
/// tokens, section objects) cost resident memory on every pole (docs/performance.md, "Edge agent footprint").
/// </summary>
internal sealed class EdgeConfig
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly Dictionary<string, string?> _data = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The value of a <c>Section:Key</c>, or null when no source sets it.</summary>
    public string? this[string key] => _data.TryGetValue(key, out var value) ? value : null;

    /// <summary>Every key and value, in the order the keys first appeared.</summary>
    public IEnumerable<KeyValuePair<string, string?>> All => _data;

    /// <summary>The direct children of <paramref name="section"/> (e.g. <c>Logging:LogLevel</c> → <c>Default</c>, …) that have a value.</summary>
    public IEnumerable<KeyValuePair<string, string>> Children(string section)
    {
        var prefix = section + ":";
        foreach (var (key, value) in _data)
        {
            if (value is not null && key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && key.IndexOf(':', prefix.Length) < 0)
            {
                yield return new(key[prefix.Length..], value);
            }
        }
    }

    /// <summary>Adds a JSON file; a missing optional file adds nothing.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object (the message names the file).</exception>
    /// <exception cref="FileNotFoundException">A required file is missing.</exception>
    public EdgeConfig AddJsonFile(string path, bool optional)
    {
        if (!File.Exists(path))
        {
            return optional ? this : throw new FileNotFoundException($"The configuration file '{path}' was not found and is not optional.", path);
        }
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = ParseJson(stream);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"Top-level JSON element must be an object. Instead, '{doc.RootElement.ValueKind}' was found.");
            }
            var fromFile = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Flatten(doc.RootElement, "", fromFile);
            foreach (var (key, value) in fromFile)
            {
                _data[key] = value;
            }
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"Failed to load configuration from file '{path}'.", e);
        }
        return this;
    }

    /// <summary>Adds every environment variable (the process's, or <paramref name="variables"/>), <c>__</c> in a name standing for <c>:</c>.</summary>
    public EdgeConfig AddEnvironmentVariables(IDictionary? variables = null)
    {
        foreach (DictionaryEntry e in variables ?? Environment.GetEnvironmentVariables())
        {
            _data[((string)e.Key).Replace("__", ":", StringComparison.Ordinal)] = (string?)e.Value;
        }
        return this;
    }

    /// <summary>
    /// Adds the command line. An argument that does not start with <c>-</c>, <c>--</c> or <c>/</c> and has no
    /// <c>=</c> is ignored, as is a last <c>--Key</c> without a value; a single-dash switch must be one of the
    /// <paramref name="aliases"/>.
    /// </summary>
    /// <exception cref="FormatException">An undefined short switch such as <c>-x</c>.</exception>
    public EdgeConfig AddCommandLine(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> aliases)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(aliases);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var start = arg.StartsWith("--", StringComparison.Ordinal) ? 2 : arg.StartsWith('-') ? 1 : 0;
            if (arg.StartsWith('/'))
            {
                arg = "--" + arg[1..];
                start = 2;
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            string key;
            string value;
            if (equals < 0)
            {
                if (start == 0)
                {
                    continue;
                }
                key = Key(arg, arg[start..], start, aliases);
                if (i + 1 == args.Count)
                {
                    continue;
                }
                value = args[++i];
            }
            else
            {
                key = Key(arg[..equals], arg[start..equals], start, aliases);
                value = arg[(equals + 1)..];
            }
            _data[key] = value;
        }
        return this;
    }

    private static string Key(string written, string bare, int dashes, IReadOnlyDictionary<string, string> aliases)
    {
        foreach (var (alias, key) in aliases)
        {
            if (alias.Equals(written, StringComparison.OrdinalIgnoreCase))
            {
                return key;
            }
        }
        return dashes == 1 ? throw new FormatException($"The short switch '{written}' is not defined in the switch mappings.") : bare;
    }

    private static JsonDocument ParseJson(Stream stream)
    {
        try
        {
            return JsonDocument.Parse(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException("Could not parse the JSON file.", e);
        }
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string?> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var anyProperty = false;
                foreach (var p in element.EnumerateObject())
                {
                    anyProperty = true;
                    Flatten(p.Value, path.Length == 0 ? p.Name : path + ":" + p.Name, into);
                }
                if (!anyProperty && path.Length > 0)
                {
                    into[path] = null;
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path + ":" + index.ToString(CultureInfo.InvariantCulture), into);
                    index++;
                }
                if (index == 0)
                {
                    into[path] = null;
                }
                break;
            default:
                if (into.ContainsKey(path))
                {
                    throw new FormatException($"A duplicate key '{path}' was found.");
                }
                // as the JSON provider: strings as written, numbers in their JSON text, True/False, null as ""
                into[path] = element.ToString();
                break;
        }
    }
}
