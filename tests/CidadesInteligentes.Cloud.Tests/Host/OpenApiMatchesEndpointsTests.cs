using System.Text.Json;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Host;

/// <summary>The OpenAPI description says what the endpoints really take and answer, and which key they need.</summary>
public sealed class OpenApiMatchesEndpointsTests : IAsyncLifetime
{
    private CloudApp _cloud = null!;
    private JsonElement _paths;

    public async Task InitializeAsync()
    {
        _cloud = await CloudApp.StartAsync();
        _paths = (await _cloud.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    private JsonElement Operation(string method, string path) => _paths.GetProperty(path).GetProperty(method);

    private static List<string> Responses(JsonElement operation) => [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name)];

    [Fact]
    public void The_registry_replacement_takes_a_json_body()
    {
        var body = Operation("put", "/api/registry").GetProperty("requestBody");
        Assert.True(body.GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(body.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task Describing_the_body_does_not_make_the_registry_refuse_a_body_without_a_json_content_type()
    {
        // e.g. curl -X PUT --data-binary @registry.json: the registry is still read (here: anonymous, so 401, not 415)
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/registry") { Content = new StringContent("{}") };
        using var response = await _cloud.Http.SendAsync(put);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("post", "/api/devices/{id}/commands", "202")]
    [InlineData("post", "/api/reports", "201")]
    [InlineData("put", "/api/registry", "200")]
    public void Writes_list_their_real_success_status_and_the_refusals(string method, string path, string success)
    {
        var responses = Responses(Operation(method, path));
        Assert.Contains(success, responses);
        Assert.Contains("400", responses);
        Assert.Contains("401", responses);
        Assert.Contains("403", responses);
        Assert.All(responses, r => Assert.True(r != "200" || success == "200", $"{method} {path} never answers 200"));
    }

    [Theory]
    [InlineData("/api/cities")]
    [InlineData("/api/devices/{id}")]
    [InlineData("/api/registry")]
    public void Reads_answer_200_and_may_be_refused(string path)
    {
        Assert.Equal(["200", "401", "403"], Responses(Operation("get", path)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("get", "/api/devices", "200")]
    [InlineData("get", "/api/alerts", "200")]
    [InlineData("get", "/api/reports", "200")]
    [InlineData("get", "/api/live", "200")]
    [InlineData("post", "/api/reports", "201")]
    public void A_city_filter_is_described_with_its_400_and_404(string method, string path, string success)
    {
        var operation = Operation(method, path);
        Assert.Equal([success, "400", "401", "403", "404"], Responses(operation).Order(StringComparer.Ordinal));
        var city = operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "city");
        Assert.Contains("7-digit IBGE code", city.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_live_stream_answers_an_event_stream()
    {
        Assert.True(Operation("get", "/api/live").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
    }

    [Fact]
    public void Every_api_operation_names_the_key_schemes_and_healthz_needs_none()
    {
        foreach (var path in _paths.EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                Assert.True(op.Value.TryGetProperty("security", out var security), $"{op.Name} {path.Name} has no security");
                var schemes = security.EnumerateArray().SelectMany(s => s.EnumerateObject().Select(o => o.Name)).ToList();
                Assert.Contains("apiKey", schemes);
                Assert.Contains("apiKeyHeader", schemes);
            }
        }
        Assert.False(Operation("get", "/healthz").TryGetProperty("security", out _));
    }
}
