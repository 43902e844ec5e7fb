using System.Net;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Api;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Fleet;

/// <summary>A device taken out of the registry leaves the fleet view, and its open alerts close.</summary>
public sealed class RegistryRemovalTests
{
    private const string Admin = "adm-key-1234567890123456";

    [Fact]
    public async Task A_luminaire_removed_from_the_registry_is_no_longer_listed_or_counted_and_its_open_alert_closes()
    {
        var dir = ServerProcess.CreateTempDirectory("registry-removal");
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"admin {Admin} carla"]);
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry); // fleet line: sc-lum-000001/2 and 5 Wi-Fi points
        await using (var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Api:KeysFile", keys, "--Registry:File", registry))
        {
            var dev = await cloud.DeviceAsync("sc-lum-000002");
            await dev.PublishAsync(Payload.Topic("sc-lum-000002", "event"), Payload.Event(1, DateTimeOffset.UtcNow, EventTypes.LampFailure, true));
            var city = (await cloud.GetJsonAsync("/api/cities"))[0];
            Assert.Equal(7, city.GetProperty("devicesTotal").GetInt32());
            Assert.Equal(1, city.GetProperty("openAlerts").GetInt32());
            await dev.DisconnectAsync();

            // the luminaire is decommissioned: the fleet line keeps only sc-lum-000001
            using var put = new HttpRequestMessage(HttpMethod.Put, "/api/registry")
            {
                Content = new StringContent(CityEndpointTests.Registry.Replace("\"luminaires\":2", "\"luminaires\":1", StringComparison.Ordinal)),
            };
            put.Headers.Authorization = new("Bearer", Admin);
            using var response = await cloud.Http.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var devices = await cloud.GetJsonAsync("/api/devices");
            Assert.DoesNotContain(devices.EnumerateArray(), d => d.GetProperty("id").GetString() == "sc-lum-000002");
            Assert.Contains(devices.EnumerateArray(), d => d.GetProperty("id").GetString() == "sc-lum-000001");
            Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.GetAsync("/api/devices/sc-lum-000002")).StatusCode);
            city = (await cloud.GetJsonAsync("/api/cities"))[0];
            Assert.Equal(6, city.GetProperty("devicesTotal").GetInt32());
            Assert.Equal(0, city.GetProperty("openAlerts").GetInt32());
            Assert.Empty((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            var closed = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=false")).EnumerateArray());
            Assert.Equal("sc-lum-000002", closed.GetProperty("device").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.String, closed.GetProperty("closedAt").ValueKind);
            Assert.Equal(0, (await cloud.GetJsonAsync("/api/state")).GetProperty("totals").GetProperty("openAlerts").GetInt32());

            // the closing is saved like any other change
            var store = cloud.Get<SqliteStore>();
            await Wait.UntilAsync(() => store.Scalar("SELECT count(*) FROM alerts WHERE active = 0") == 1, "the closed alert saved");
        }

        // after a restart the closed alert stays closed
        await using (var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Api:KeysFile", keys))
        {
            Assert.Empty((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            Assert.Equal(6, (await cloud.GetJsonAsync("/api/cities"))[0].GetProperty("devicesTotal").GetInt32());
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_luminaire_removed_from_the_registry_file_while_the_cloud_was_down_has_its_restored_alert_closed()
    {
        var dir = ServerProcess.CreateTempDirectory("registry-removal-offline");
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry);
        await using (var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", registry))
        {
            var dev = await cloud.DeviceAsync("sc-lum-000002");
            await dev.PublishAsync(Payload.Topic("sc-lum-000002", "event"), Payload.Event(1, DateTimeOffset.UtcNow, EventTypes.LampFailure, true));
            Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            await dev.DisconnectAsync();
        }

        // while the cloud is down the operator edits the file: the luminaire is decommissioned
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry.Replace("\"luminaires\":2", "\"luminaires\":1", StringComparison.Ordinal));
        await using (var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", registry))
        {
            Assert.Empty((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            var closed = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=false")).EnumerateArray());
            Assert.Equal("sc-lum-000002", closed.GetProperty("device").GetString());
            var city = (await cloud.GetJsonAsync("/api/cities"))[0];
            Assert.Equal(6, city.GetProperty("devicesTotal").GetInt32());
            Assert.Equal(0, city.GetProperty("openAlerts").GetInt32());
            var store = cloud.Get<SqliteStore>();
            await Wait.UntilAsync(() => store.Scalar("SELECT count(*) FROM alerts WHERE active = 0") == 1, "the closing saved");
        }

        // the same file again: nothing more to close, and the closed alert stays closed
        await using (var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", registry))
        {
            Assert.Empty((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
        }
        Directory.Delete(dir, recursive: true);
    }
}
