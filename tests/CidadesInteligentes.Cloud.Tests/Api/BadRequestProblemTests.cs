using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>A body or query parameter that cannot be read is a 400 (a body of another content type a 415) problem saying which one, never an empty answer.</summary>
public sealed class BadRequestProblemTests : IAsyncLifetime
{
    private const string Operator = "op-key-123456789012345";
    private readonly string _dir = Directory.CreateTempSubdirectory("ci-bad-req-").FullName;
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

    private async Task<string> ProblemAsync(HttpMethod method, string path, string? body = null)
    {
        using var r = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            r.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }
        r.Headers.Authorization = new("Bearer", Operator);
        using var response = await _cloud.Http.SendAsync(r);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
    }

    [Theory]
    [InlineData("""{"type":"setOverride","dimPercent":"forty","durationS":600}""", "$.dimPercent")]
    [InlineData("""{"type":"setOverride","dimPercent":1e10,"durationS":600}""", "$.dimPercent")]
    [InlineData("""{"type":"setOverride",""", "JSON")]
    [InlineData("[]", "JSON")]
    public async Task A_command_body_that_is_not_the_expected_json_says_where(string body, string expected)
    {
        var detail = await ProblemAsync(HttpMethod.Post, "/api/devices/sc-lum-000001/commands", body);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        Assert.Equal(0, (await _cloud.GetJsonAsync("/api/audit")).GetArrayLength());
    }

    [Fact]
    public async Task A_command_without_a_body_says_a_json_body_is_needed()
    {
        Assert.Contains("JSON body", await ProblemAsync(HttpMethod.Post, "/api/devices/sc-lum-000001/commands", ""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain", "it came as 'text/plain'")]
    [InlineData("application/x-www-form-urlencoded", "it came as 'application/x-www-form-urlencoded'")]
    [InlineData(null, "it came without a Content-Type")]
    public async Task A_command_body_that_is_not_sent_as_json_is_a_415_problem_naming_both_types(string? contentType, string received)
    {
        using var r = new HttpRequestMessage(HttpMethod.Post, "/api/devices/sc-lum-000001/commands")
        {
            Content = new ByteArrayContent("""{"type":"setOverride","dimPercent":40,"durationS":600}"""u8.ToArray()),
        };
        if (contentType is not null)
        {
            r.Content.Headers.ContentType = new(contentType);
        }
        r.Headers.Authorization = new("Bearer", Operator);
        using var response = await _cloud.Http.SendAsync(r);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(415, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("Content-Type: application/json", detail, StringComparison.Ordinal);
        Assert.Contains(received, detail, StringComparison.Ordinal);
        Assert.Equal(0, (await _cloud.GetJsonAsync("/api/audit")).GetArrayLength());
    }

    [Theory]
    [InlineData("/api/audit?limit=abc", "parameter 'limit' is 'abc', which is not a whole number")]
    [InlineData("/api/audit?limit=99999999999", "parameter 'limit' is '99999999999', which is not a whole number")]
    [InlineData("/api/ingest/dead-letters?limit=ten", "parameter 'limit' is 'ten', which is not a whole number")]
    [InlineData("/api/alerts?active=maybe", "parameter 'active' is 'maybe', which is not true or false")]
    [InlineData("/api/reports?month=2026-13", "month '2026-13' is not a month YYYY-MM from 2000-01 to 2200-12")]
    [InlineData("/api/reports?city=3548906&month=last", "month 'last' is not a month YYYY-MM from 2000-01 to 2200-12")]
    [InlineData("/api/state?month=1900-01", "month '1900-01' is not a month YYYY-MM from 2000-01 to 2200-12")]
    public async Task A_query_parameter_of_the_wrong_type_is_named(string path, string expected)
    {
        Assert.Equal(expected, await ProblemAsync(HttpMethod.Get, path));
    }

    [Fact]
    public async Task Every_refused_api_request_is_counted_by_status_in_the_stats()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _cloud.Http.GetAsync("/api/state?month=1900-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _cloud.Http.GetAsync("/api/devices?city=35")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _cloud.Http.GetAsync("/api/devices?city=9999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _cloud.Http.GetAsync("/api/devices/nobody")).StatusCode);
        using (var wrongType = new HttpRequestMessage(HttpMethod.Post, "/api/devices/sc-lum-000001/commands"))
        {
            wrongType.Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain");
            wrongType.Headers.Authorization = new("Bearer", Operator);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await _cloud.Http.SendAsync(wrongType)).StatusCode);
        }
        // a command without a key: refused before it is read
        Assert.Equal(HttpStatusCode.Unauthorized, (await _cloud.Http.PostAsync("/api/devices/sc-lum-000001/commands", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _cloud.Http.GetAsync("/api/cities")).StatusCode);

        var refused = (await _cloud.GetJsonAsync("/api/ingest/stats")).GetProperty("apiRefused");
        Assert.Equal(2, refused.GetProperty("400").GetInt64());
        Assert.Equal(2, refused.GetProperty("404").GetInt64());
        Assert.Equal(1, refused.GetProperty("415").GetInt64());
        Assert.Equal(1, refused.GetProperty("401").GetInt64());
        Assert.Equal(4, refused.EnumerateObject().Count());
    }
}
