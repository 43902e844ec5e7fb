using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>Registry editing keeps baselines frozen and lists every problem; the audit names who changed what.</summary>
public sealed class RegistryAuditTests : IAsyncLifetime
{
    private const string Admin = "adm-key-1234567890123456";
    private const string Operator = "op-key-123456789012345";
    private readonly string _dir = Directory.CreateTempSubdirectory("ci-reg-audit-").FullName;
    private CloudApp _cloud = null!;

    public async Task InitializeAsync()
    {
        var keys = Path.Combine(_dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"admin {Admin} carla", $"operator {Operator} ana"]);
        var registry = Path.Combine(_dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry); // fleet: sc-lum-000001/2 at 170 W, LED 80 W
        _cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys, "--Registry:File", registry);
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(string body)
    {
        using var r = new HttpRequestMessage(HttpMethod.Put, "/api/registry") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        r.Headers.Authorization = new("Bearer", Admin);
        using var response = await _cloud.Http.SendAsync(r);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string With(params (string From, string To)[] edits) =>
        edits.Aggregate(CityEndpointTests.Registry, (json, e) =>
            json.Contains(e.From, StringComparison.Ordinal) ? json.Replace(e.From, e.To, StringComparison.Ordinal) : throw new ArgumentException(e.From));

    private static List<string> Problems(JsonElement body) => [.. body.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!)];

    private const string Adjustment = """[{"device":"sc-lum-000001","effectiveFrom":"2026-11-01","baselineW":250,"reason":"survey: HPS 250 W","approvedBy":"eng. Souza"}]""";

    private const string Override = """[{"id":"sc-lum-000001","legacyTechnology":"HPS 150 W","baselineW":250,"ledW":80}]""";

    [Fact]
    public async Task Frozen_baselines_and_existing_adjustments_cannot_be_edited_but_additions_are_audited_by_id()
    {
        // the fleet line's baseline (sc-lum-000001/2 existed at 170 W) and an explicit override of sc-lum-000001 at 250 W
        var (status, body) = await PutAsync(With(("\"baselineW\":170", "\"baselineW\":200"),
            ("\"luminaires\":[]", "\"luminaires\":" + Override)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problems = Problems(body);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("$.cities[0].fleet.baselineW: changes the baselineW of existing luminaires", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.cities[0].luminaires[0].baselineW: changes the baselineW of existing luminaire 'sc-lum-000001' from 170 W to 250 W", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.Contains("add a new adjustment", p, StringComparison.Ordinal));

        // one more luminaire, a new tariff and an adjustment: accepted, and the audit says what changed
        var (okStatus, _) = await PutAsync(With(("\"luminaires\":2", "\"luminaires\":3"), ("\"tariffBrlPerKwh\":0.75", "\"tariffBrlPerKwh\":0.8"), ("\"adjustments\":[]", "\"adjustments\":" + Adjustment)));
        Assert.Equal(HttpStatusCode.OK, okStatus);
        var audit = (await _cloud.GetJsonAsync("/api/audit"))[0];
        Assert.Equal("carla", audit.GetProperty("who").GetString());
        Assert.Equal("registry.replace", audit.GetProperty("action").GetString());
        Assert.Equal(
            "cities 1 → 1 (changed 3548906); luminaires 2 → 3 (added sc-lum-000003); Wi-Fi points 5 → 5; adjustments added: 'sc-lum-000001' from 2026-11-01 (250 W)",
            audit.GetProperty("detail").GetString());

        // going back to the first document would drop the adjustment: refused, and the registry keeps it
        var (backStatus, back) = await PutAsync(CityEndpointTests.Registry);
        Assert.Equal(HttpStatusCode.BadRequest, backStatus);
        Assert.StartsWith("$.cities[0].adjustments: it no longer lists the existing adjustment 'sc-lum-000001' from 2026-11-01 (250 W)", Assert.Single(Problems(back)), StringComparison.Ordinal);
        var registry = await _cloud.GetJsonAsync("/api/registry");
        Assert.Equal(1, registry.GetProperty("cities")[0].GetProperty("adjustments").GetArrayLength());
        // each refusal is audited too (newest first): refused, the accepted replacement, the first refusal
        Assert.Equal(["registry.refused", "registry.replace", "registry.refused"],
            (await _cloud.GetJsonAsync("/api/audit")).EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Two_wrong_typed_fields_and_a_range_error_are_all_listed()
    {
        var (status, body) = await PutAsync(With(("\"tariffBrlPerKwh\":0.75", "\"tariffBrlPerKwh\":\"cheap\""), ("\"requiredWifiPoints\":5", "\"requiredWifiPoints\":\"five\""), ("\"latitude\":-22.0087", "\"latitude\":10")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problems = Problems(body);
        Assert.Equal(3, problems.Count);
        Assert.Contains("$.cities[0].tariffBrlPerKwh: must be a number, not text (\"cheap\")", problems);
        Assert.Contains("$.cities[0].requiredWifiPoints: must be a whole number, not text (\"five\")", problems);
        Assert.Contains(problems, p => p.StartsWith("$.cities[0].latitude: latitude must be inside São Paulo state", StringComparison.Ordinal));
        Assert.Equal(0, (await _cloud.GetJsonAsync("/api/audit")).GetArrayLength());
    }

    [Fact]
    public async Task A_command_sent_through_the_api_is_audited_with_who_which_device_and_what()
    {
        using var send = new HttpRequestMessage(HttpMethod.Post, "/api/devices/sc-lum-000002/commands")
        {
            Content = new StringContent("""{"type":"setOverride","dimPercent":40,"durationS":600}""", System.Text.Encoding.UTF8, "application/json"),
        };
        send.Headers.Authorization = new("Bearer", Operator);
        using var sent = await _cloud.Http.SendAsync(send);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var id = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var audit = Assert.Single((await _cloud.GetJsonAsync("/api/audit")).EnumerateArray());
        Assert.Equal("ana", audit.GetProperty("who").GetString());
        Assert.Equal("command", audit.GetProperty("action").GetString());
        Assert.Equal("sc-lum-000002", audit.GetProperty("target").GetString());
        var detail = audit.GetProperty("detail").GetString()!;
        Assert.StartsWith($"setOverride (command {id}): ", detail, StringComparison.Ordinal);
        Assert.Contains("\"dimPercent\":40", detail, StringComparison.Ordinal);
        Assert.Contains("\"durationS\":600", detail, StringComparison.Ordinal);
    }
}
