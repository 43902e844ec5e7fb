using Xunit;
using System.Text.RegularExpressions;

namespace CidadesInteligentes.Telemetry.Tests.Contract;

/// <summary>
/// docs/telemetry.md says it mirrors the shared, normative contract (shared/design/telemetry-contract.md): every
/// topic pattern and every payload field name the contract defines must appear in it.
/// </summary>
public sealed partial class TelemetryDocMirrorsContractTests
{
    [Fact]
    public void Every_topic_pattern_and_payload_field_of_the_shared_contract_is_in_docs_telemetry_md()
    {
        var contract = File.ReadAllText(LocateContract());
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "telemetry.md"));

        var topics = ContractTopics(contract);
        var fields = ContractFields(contract);

        var missing = topics.Where(t => !docs.Contains($"`{t}`", StringComparison.Ordinal)).Select(t => "topic " + t)
            .Concat(fields.Where(f => !docs.Contains($"`{f}`", StringComparison.Ordinal) && !docs.Contains($"\"{f}\"", StringComparison.Ordinal)).Select(f => "field " + f))
            .ToList();
        Assert.True(missing.Count == 0, $"docs/telemetry.md lacks {missing.Count} name(s) of the shared contract: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_extraction_finds_the_contracts_topics_and_fields()
    {
        var contract = File.ReadAllText(LocateContract());

        var topics = ContractTopics(contract);
        var fields = ContractFields(contract);

        // Guards the test above against passing vacuously if the contract's layout changes.
        Assert.Contains("ci/v1/{city}/{kind}/{device}/cmd/ack", topics);
        Assert.True(topics.Count >= 5, string.Join(", ", topics));
        foreach (var field in new[] { "v", "seq", "ts", "energyWh", "downMbps", "upMbps", "rxBytes", "txBytes", "active", "state", "firmware", "reason", "expiresAt", "durationS", "program", "result", "onBelowLux", "minimumOnMin", "from" })
        {
            Assert.Contains(field, fields);
        }
        Assert.DoesNotContain("sunset", fields);
        Assert.DoesNotContain("lampFailure", fields);
    }

    /// <summary>Every backticked topic: <c>`ci/v1/...`</c>.</summary>
    private static SortedSet<string> ContractTopics(string contract) =>
        new(TopicSpan().Matches(contract).Select(m => m.Groups[1].Value), StringComparer.Ordinal);

    /// <summary>
    /// Every field name of the Payloads part of the contract: the backticked names in the first column of its field
    /// tables, the backticked names of its bullet lists (<c>- `v` (int, …)</c>), the keys of its JSON (quoted,
    /// <c>"name":</c>) and of its shorthand objects (unquoted, <c>{dimPercent: 0–100, durationS: …}</c>).
    /// </summary>
    private static SortedSet<string> ContractFields(string contract)
    {
        var start = contract.IndexOf("\n## Payloads", StringComparison.Ordinal);
        Assert.True(start >= 0, "the contract has no '## Payloads' section");
        var payloads = contract[start..];
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in payloads.Split('\n'))
        {
            if (line.StartsWith('|'))
            {
                var firstCell = line.Split('|', StringSplitOptions.None)[1];
                fields.UnionWith(BacktickedName().Matches(firstCell).Select(m => m.Groups[1].Value));
            }
            else if (BulletField().Match(line) is { Success: true } bullet)
            {
                fields.Add(bullet.Groups[1].Value);
            }
        }
        fields.UnionWith(QuotedKey().Matches(payloads).Select(m => m.Groups[1].Value));
        foreach (Match code in CodeSpan().Matches(payloads))
        {
            fields.UnionWith(UnquotedKey().Matches(code.Groups[1].Value).Select(m => m.Groups[1].Value));
        }
        return fields;
    }

    [GeneratedRegex(@"`(ci/v1/[^`]+)`")]
    private static partial Regex TopicSpan();

    [GeneratedRegex(@"`([a-zA-Z][a-zA-Z0-9]*)`")]
    private static partial Regex BacktickedName();

    [GeneratedRegex(@"^- `([a-zA-Z][a-zA-Z0-9]*)` \(")]
    private static partial Regex BulletField();

    [GeneratedRegex(@"""([a-zA-Z][a-zA-Z0-9]*)""\s*:")]
    private static partial Regex QuotedKey();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"[{,]\s*([a-zA-Z][a-zA-Z0-9]*)\s*:")]
    private static partial Regex UnquotedKey();

    // The contract is shared design text, not a copy in this repository: $TELEMETRY_CONTRACT, or
    // shared/design/telemetry-contract.md found by walking up from the test binaries (next to the repository).
    private static string LocateContract()
    {
        if (Environment.GetEnvironmentVariable("TELEMETRY_CONTRACT") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "design", "telemetry-contract.md");
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException(
            "The shared telemetry contract was not found: set TELEMETRY_CONTRACT to its telemetry-contract.md " +
            "(shared/design/telemetry-contract.md next to the repository).");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CidadesInteligentes.Iot.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CidadesInteligentes.Iot.sln not found above " + AppContext.BaseDirectory + ": the test runs from the repository's test output.");
    }
}
