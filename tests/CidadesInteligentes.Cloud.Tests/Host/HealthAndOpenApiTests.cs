using System.Net;
using System.Text;
using System.Text.Json;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Host;

/// <summary><c>/healthz</c> readiness (broker, storage and ingestor each named when failing) and the OpenAPI description of docs/api.md.</summary>
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

    [Fact]
    public async Task Healthz_is_503_naming_storage_while_commits_fail_and_200_once_a_commit_succeeds_again()
    {
        await using var cloud = await CloudApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await HealthAsync(cloud)).Status);
        var ingestor = cloud.Get<Ingestor>();
        var topic = Payload.Topic("sc-lum-000901", "telemetry");
        var message = Encoding.UTF8.GetBytes(Payload.Luminaire(1, DateTimeOffset.UtcNow.AddMinutes(-1)));
        // the store refuses every insert (a trigger added through another connection, as a full or broken disk would)
        await ExecuteAsync(cloud.Directory, "CREATE TRIGGER fail_test BEFORE INSERT ON telemetry BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
        Assert.Equal(ReasonCodes.UnspecifiedError, await ingestor.IngestAsync(null, "test", topic, message, default));

        var (status, body) = await HealthAsync(cloud);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("not ready", body.GetProperty("status").GetString());
        var storage = body.GetProperty("parts").GetProperty("storage").GetString();
        Assert.StartsWith("commits failing: ", storage, StringComparison.Ordinal);
        Assert.Contains("injected failure", storage, StringComparison.Ordinal);
        // only the failing part says so
        Assert.StartsWith("listening on", body.GetProperty("parts").GetProperty("broker").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("ready", body.GetProperty("parts").GetProperty("ingestor").GetString(), StringComparison.Ordinal);

        await ExecuteAsync(cloud.Directory, "DROP TRIGGER fail_test;");
        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", topic, message, default));
        (status, body) = await HealthAsync(cloud);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("sqlite schema", body.GetProperty("parts").GetProperty("storage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_is_503_naming_storage_when_the_database_cannot_be_opened()
    {
        await using var cloud = await CloudApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await HealthAsync(cloud)).Status);
        // the storage directory disappears (e.g. its volume unmounted): a fresh connection cannot open the database
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(cloud.Directory, recursive: true);

        var (status, body) = await HealthAsync(cloud);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var storage = body.GetProperty("parts").GetProperty("storage").GetString();
        Assert.StartsWith("unavailable: ", storage, StringComparison.Ordinal);
        Assert.Contains("unable to open database file", storage, StringComparison.Ordinal);
        Assert.StartsWith("ready", body.GetProperty("parts").GetProperty("ingestor").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_is_503_naming_the_ingestor_once_its_commit_loop_stopped_and_publishes_get_no_positive_puback()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync("sc-lum-000902");
        await cloud.Get<Ingestor>().DisposeAsync();

        var (status, body) = await HealthAsync(cloud);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("commit loop stopped", body.GetProperty("parts").GetProperty("ingestor").GetString());
        Assert.StartsWith("sqlite schema", body.GetProperty("parts").GetProperty("storage").GetString(), StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<MqttConnectException>(
            () => dev.PublishAsync(Payload.Topic("sc-lum-000902", "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow)));
        Assert.Equal(ReasonCodes.UnspecifiedError, refused.ReasonCode);
        Assert.Empty(cloud.Get<SqliteStore>().Seqs("sc-lum-000902", "telemetry"));
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
