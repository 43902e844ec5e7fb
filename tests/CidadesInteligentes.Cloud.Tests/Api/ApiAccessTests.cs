using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// The roles with <c>--Api:AnonymousRead false</c> (production): every read needs a key; viewer reads, operator also
/// sends commands, admin also replaces the registry.
/// </summary>
public sealed class ApiAccessTests
{
    private const string Viewer = "view-key-12345678901234";
    private const string Operator = "op-key-123456789012345";
    private const string Admin = "adm-key-1234567890123456";
    private const string Device = "sc-lum-000030";

    [Fact]
    public async Task Without_anonymous_read_every_call_needs_a_key_and_each_role_gets_only_its_rights()
    {
        var dir = Directory.CreateTempSubdirectory("ci-keys-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"viewer {Viewer} vera", $"operator {Operator} otto", $"admin {Admin} ada"]);
        await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys, "--Api:AnonymousRead", "false");
        var dev = await cloud.DeviceAsync(Device);
        await dev.PublishAsync(Payload.Topic(Device, "status"), Payload.Status("online", DateTimeOffset.UtcNow), 1, retain: true);

        async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? key, HttpContent? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body };
            if (key is not null)
            {
                request.Headers.Authorization = new("Bearer", key);
            }
            return await cloud.Http.SendAsync(request);
        }

        // reads: no key or an unknown key is 401; a viewer key (as Bearer or as X-Api-Key) is 200
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/cities", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/cities", "not-a-key-1234567890")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, $"/api/devices/{Device}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/cities", Viewer)).StatusCode);
        using (var header = new HttpRequestMessage(HttpMethod.Get, $"/api/devices/{Device}"))
        {
            header.Headers.Add("X-Api-Key", Viewer);
            Assert.Equal(HttpStatusCode.OK, (await cloud.Http.SendAsync(header)).StatusCode);
        }
        // the load balancer's probe needs no key
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync("/healthz")).StatusCode);

        // commands: a viewer is 403, an operator's is accepted
        JsonContent Command() => JsonContent.Create(new { type = "requestStatus" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, $"/api/devices/{Device}/commands", null, Command())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/api/devices/{Device}/commands", Viewer, Command())).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Send(HttpMethod.Post, $"/api/devices/{Device}/commands", Operator, Command())).StatusCode);

        // the registry: viewer and operator are 403, the admin's replacement is accepted and applied
        StringContent Registry() => new(CityEndpointTests.Registry, System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Put, "/api/registry", Viewer, Registry())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Put, "/api/registry", Operator, Registry())).StatusCode);
        using var replaced = await Send(HttpMethod.Put, "/api/registry", Admin, Registry());
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var cities = JsonDocument.Parse(await (await Send(HttpMethod.Get, "/api/cities", Viewer)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("São Carlos", Assert.Single(cities.EnumerateArray()).GetProperty("name").GetString());

        // who did what: the operator's command and the admin's registry change, by key name; the refusals changed nothing
        var audit = JsonDocument.Parse(await (await Send(HttpMethod.Get, "/api/audit", Viewer)).Content.ReadAsStringAsync()).RootElement;
        var entries = audit.EnumerateArray().Select(e => (Who: e.GetProperty("who").GetString(), Action: e.GetProperty("action").GetString())).ToList();
        Assert.Contains(("otto", "command"), entries);
        Assert.Contains(("ada", "registry.replace"), entries);
        Assert.DoesNotContain(entries, e => e.Who is "vera" or "anonymous");
        Directory.Delete(dir, true);
    }
}
