using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>A command the device would refuse is a 400 listing every problem: it is not stored, audited or sent.</summary>
public sealed class CommandValidationTests : IAsyncLifetime
{
    private const string Operator = "op-key-123456789012345";
    private const string Device = "sc-lum-000001";
    private readonly string _dir = Directory.CreateTempSubdirectory("ci-cmd-valid-").FullName;
    private CloudApp _cloud = null!;

    public async Task InitializeAsync()
    {
        var keys = Path.Combine(_dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"operator {Operator} ana"]);
        var registry = Path.Combine(_dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry);
        _cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys, "--Registry:File", registry);
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body)
    {
        using var r = new HttpRequestMessage(HttpMethod.Post, $"/api/devices/{Device}/commands") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        r.Headers.Authorization = new("Bearer", Operator);
        using var response = await _cloud.Http.SendAsync(r);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_program_with_an_impossible_step_time_and_dim_level_is_refused_with_both_problems()
    {
        var (status, body) = await PostAsync("""{"type":"setProgram","program":{"name":"night","steps":[{"from":"25:99","dimPercent":50},{"from":"01:00","dimPercent":500}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problems = JsonDocument.Parse(body).RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("program.steps[0].from '25:99' is not HH:mm", problems);
        Assert.Contains("program.steps[1].dimPercent must be 0–100", problems);
        Assert.Equal(0, (await _cloud.GetJsonAsync("/api/audit")).GetArrayLength());
        Assert.Equal(0, (await _cloud.GetJsonAsync($"/api/devices/{Device}")).GetProperty("commands").GetArrayLength());
    }

    [Fact]
    public async Task A_program_with_an_empty_step_or_switch_point_is_refused()
    {
        var (status, body) = await PostAsync("""{"type":"setProgram","program":{"switchOn":null,"steps":[null]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problems = JsonDocument.Parse(body).RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("program.switchOn is missing", problems);
        Assert.Contains("program.steps[0] is missing", problems);
        Assert.Equal(0, (await _cloud.GetJsonAsync("/api/audit")).GetArrayLength());
    }
}
