using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// <c>GET /api/cities/{ibge}</c>: one city as the list gives it, so the city and device pages need not fetch every city of
/// the state for one name.
/// </summary>
public sealed class CityResourceTests
{
    [Fact]
    public async Task One_city_is_answered_as_the_list_lists_it_and_an_unknown_one_is_a_counted_404()
    {
        var dir = Directory.CreateTempSubdirectory("ci-city-").FullName;
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(null, "--Registry:File", file);
        // one of the city's 7 registered devices reports, so the counts are not all zero
        const string lamp = "sc-lum-000001";
        var dev = await cloud.DeviceAsync(lamp);
        await dev.PublishAsync(Payload.Topic(lamp, "status"), Payload.Status("online", DateTimeOffset.UtcNow), 1, retain: true);
        await Wait.UntilAsync(async () => (await cloud.GetJsonAsync("/api/cities/3548906")).GetProperty("devicesOnline").GetInt32() == 1, "the lamp counted online");

        var city = await cloud.GetJsonAsync("/api/cities/3548906");
        var listed = (await cloud.GetJsonAsync("/api/cities")).EnumerateArray().Single(c => c.GetProperty("ibge").GetString() == "3548906");
        Assert.Equal(listed.GetRawText(), city.GetRawText());
        Assert.Equal("São Carlos", city.GetProperty("name").GetString());
        Assert.Equal(1, city.GetProperty("devicesOnline").GetInt32());
        Assert.Equal(7, city.GetProperty("devicesTotal").GetInt32());
        Assert.Equal(2, city.GetProperty("luminaires").GetInt32());
        Assert.Equal(5, city.GetProperty("requiredWifiPoints").GetInt32());

        // a city devices report from without being in the registry: known, with what the fleet knows of it
        const string stray = "sp-lum-000001";
        var other = await cloud.DeviceAsync(stray);
        await other.PublishAsync(Payload.Topic(stray, "status", city: "3550308"), Payload.Status("online", DateTimeOffset.UtcNow), 1, retain: true);
        await Wait.UntilAsync(async () => (await cloud.Http.GetAsync("/api/cities/3550308")).IsSuccessStatusCode, "the stray city known");
        var unregistered = await cloud.GetJsonAsync("/api/cities/3550308");
        Assert.False(unregistered.GetProperty("inRegistry").GetBoolean());
        Assert.Equal(JsonValueKind.Null, unregistered.GetProperty("name").ValueKind);
        Assert.Equal(1, unregistered.GetProperty("devicesTotal").GetInt32());
        Assert.True(city.GetProperty("inRegistry").GetBoolean());

        var before = await Refused404Async(cloud);
        using var unknown = await cloud.Http.GetAsync("/api/cities/3550309");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("city '3550309' is not in the registry", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before + 1, await Refused404Async(cloud));
        using var malformed = await cloud.Http.GetAsync("/api/cities/355030");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("not a 7-digit IBGE code", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // described in the OpenAPI document with its 404
        var path = (await cloud.GetJsonAsync("/openapi/v1.json")).GetProperty("paths").GetProperty("/api/cities/{ibge}").GetProperty("get");
        Assert.True(path.GetProperty("responses").TryGetProperty("404", out _));
    }

    private static async Task<long> Refused404Async(CloudApp cloud) =>
        (await cloud.GetJsonAsync("/api/ingest/stats")).GetProperty("apiRefused").TryGetProperty("404", out var n) ? n.GetInt64() : 0;
}
