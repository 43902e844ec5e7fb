using System.Security.Cryptography;
using System.Text;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>
/// API keys from the keys file: one <c>role key name</c> per line, where key is either the key itself or
/// <c>sha256:&lt;hex&gt;</c> of it. Only hashes are kept in memory; comparison is constant-time.
/// </summary>
internal sealed class ApiKeys
{
    private readonly List<(byte[] Hash, ApiRole Role, string Name)> _entries;

    private ApiKeys(List<(byte[] Hash, ApiRole Role, string Name)> entries) => _entries = entries;

    public static ApiKeys Empty { get; } = new([]);

    public int Count => _entries.Count;

    public static ApiKeys Parse(IEnumerable<string> lines, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var entries = new List<(byte[], ApiRole, string)>();
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                errors.Add($"keys file line {number}: expected 'role key name'.");
                continue;
            }
            // only the three words: Enum.TryParse also takes numbers ("3" = admin) and lists ("viewer,admin")
            if (Role(parts[0]) is not { } role)
            {
                errors.Add($"keys file line {number}: role '{parts[0]}' is not viewer, operator or admin.");
                continue;
            }
            byte[] hash;
            if (parts[1].StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    hash = Convert.FromHexString(parts[1]["sha256:".Length..]);
                }
                catch (FormatException)
                {
                    errors.Add($"keys file line {number}: sha256 value is not hexadecimal.");
                    continue;
                }
                if (hash.Length != 32)
                {
                    errors.Add($"keys file line {number}: sha256 value must be 64 hex digits.");
                    continue;
                }
            }
            else
            {
                if (parts[1].Length < 16)
                {
                    errors.Add($"keys file line {number}: key is shorter than 16 characters.");
                    continue;
                }
                hash = SHA256.HashData(Encoding.UTF8.GetBytes(parts[1]));
            }
            // one key on two lines would have two roles and names, and only the first would count
            if (!lineOf.TryAdd(Convert.ToHexString(hash), number))
            {
                errors.Add($"keys file line {number}: the same key as line {lineOf[Convert.ToHexString(hash)]}; list each key once, with one role and name.");
                continue;
            }
            entries.Add((hash, role, parts.Length > 2 ? parts[2] : $"key-{number}"));
        }
        problems = errors;
        return new ApiKeys(entries);
    }

    private static ApiRole? Role(string word) => word.ToLowerInvariant() switch
    {
        "viewer" => ApiRole.Viewer,
        "operator" => ApiRole.Operator,
        "admin" => ApiRole.Admin,
        _ => null,
    };

    /// <summary>The role and name of a presented key, or <see cref="ApiRole.None"/>.</summary>
    public (ApiRole Role, string Name) Identify(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return (ApiRole.None, "anonymous");
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        foreach (var (h, role, name) in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(h, hash))
            {
                return (role, name);
            }
        }
        return (ApiRole.None, "unknown-key");
    }
}
