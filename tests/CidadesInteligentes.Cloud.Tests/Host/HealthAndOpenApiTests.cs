using System.Net;
using System.Text.Json;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Host;

/// <summary><c>/healthz</c> readiness and the OpenAPI description of docs/api.md.</summary>
public sealed class HealthAndOpenApiTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(CloudApp cloud)
    {
        using var response = await cloud.Http.GetAsync("/healthz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Healthz_is_200_when_ready_and_503_with_the_reason_once_the_broker_stops()
    {
        await using var cloud = await CloudApp.StartAsync();
        var (status, body) = await HealthAsync(cloud);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", body.GetProperty("status").GetString());

        await cloud.Get<MqttBroker>().StopAsync();

        (status, body) = await HealthAsync(cloud);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("not ready", body.GetProperty("status").GetString());
        Assert.Equal("not running", body.GetProperty("parts").GetProperty("broker").GetString());
        // the parts that are fine still say so
        Assert.StartsWith("sqlite schema", body.GetProperty("parts").GetProperty("storage").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("ready", body.GetProperty("parts").GetProperty("ingestor").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_is_503_while_the_external_broker_cannot_be_reached()
    {
        // nothing listens on this loopback port: the upstream consumer keeps retrying and is never subscribed
        await using var cloud = await CloudApp.StartAsync(null, "--Broker:Enabled", "false", "--Upstream:Host", "127.0.0.1", "--Upstream:Port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (status, body) = await HealthAsync(cloud);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("upstream not connected", body.GetProperty("parts").GetProperty("broker").GetString());
    }

    // every route of the API list in the architecture (/work/shared/design/architecture.md), with its method
    private static readonly (string Method, string Path)[] ArchitectureRoutes =
    [
        ("get", "/healthz"),
        ("get", "/api/cities"),
        ("get", "/api/cities/{ibge}/savings"),
        ("get", "/api/cities/{ibge}/wifi"),
        ("get", "/api/devices"),
        ("get", "/api/devices/{id}"),
        ("get", "/api/alerts"),
        ("post", "/api/devices/{id}/commands"),
    ];

    [Fact]
    public async Task OpenApi_lists_every_route_of_the_architecture_with_its_method()
    {
        await using var cloud = await CloudApp.StartAsync();
        var paths = (await cloud.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");
        var missing = ArchitectureRoutes
            .Where(r => !(paths.TryGetProperty(r.Path, out var item) && item.TryGetProperty(r.Method, out _)))
            .Select(r => $"{r.Method.ToUpperInvariant()} {r.Path}")
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task OpenApi_describes_the_api_key_as_a_bearer_token_and_as_the_x_api_key_header()
    {
        await using var cloud = await CloudApp.StartAsync();
        var schemes = (await cloud.GetJsonAsync("/openapi/v1.json")).GetProperty("components").GetProperty("securitySchemes");

        var bearer = schemes.GetProperty("apiKey");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        var header = schemes.GetProperty("apiKeyHeader");
        Assert.Equal("apiKey", header.GetProperty("type").GetString());
        Assert.Equal("header", header.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", header.GetProperty("name").GetString());
        Assert.Contains("Api:KeysFile", header.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
