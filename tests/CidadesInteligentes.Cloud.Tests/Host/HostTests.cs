using System.Net;
using CidadesInteligentes.Cloud.Hosting;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Host;

public sealed class HostTests
{
    [Fact]
    public async Task Healthz_is_ready_with_broker_storage_and_ingestor_and_the_dashboard_and_openapi_are_served()
    {
        await using var cloud = await CloudApp.StartAsync();
        var health = await cloud.GetJsonAsync("/healthz");
        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.Contains("listening", health.GetProperty("parts").GetProperty("broker").GetString(), StringComparison.Ordinal);
        Assert.Contains("sqlite", health.GetProperty("parts").GetProperty("storage").GetString(), StringComparison.Ordinal);
        var page = await cloud.Http.GetStringAsync("/");
        Assert.Contains("Cidades Inteligentes", page, StringComparison.Ordinal);
        var openapi = await cloud.GetJsonAsync("/openapi/v1.json");
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/devices", out _));
    }

    [Fact]
    public void Broken_configuration_lists_every_problem_and_builds_nothing()
    {
        var app = CloudHost.Build(["--Broker:Port", "70000", "--Registry:File", "/nonexistent/registry.json", "--Api:AnonymousRead", "perhaps"], out var problems);
        Assert.Null(app);
        Assert.Contains(problems, p => p.Contains("Broker:Port", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Registry:File", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Api:AnonymousRead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Commands_need_the_operator_role_and_are_acknowledged_by_the_device()
    {
        var dir = Directory.CreateTempSubdirectory("ci-keys-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["operator op-key-123456789012345 ana", "viewer view-key-12345678901234 bia"]);
        await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys);
        var dev = await cloud.DeviceAsync("sc-lum-000020");
        await dev.SubscribeAsync(Payload.Topic("sc-lum-000020", "cmd"), 1);
        await dev.PublishAsync(Payload.Topic("sc-lum-000020", "status"), Payload.Status("online", DateTimeOffset.UtcNow), 1, retain: true);

        var body = new StringContent("""{"type":"setOverride","dimPercent":40,"durationS":600}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await cloud.Http.PostAsync("/api/devices/sc-lum-000020/commands", body)).StatusCode);
        using var asViewer = new HttpRequestMessage(HttpMethod.Post, "/api/devices/sc-lum-000020/commands") { Content = body };
        asViewer.Headers.Authorization = new("Bearer", "view-key-12345678901234");
        Assert.Equal(HttpStatusCode.Forbidden, (await cloud.Http.SendAsync(asViewer)).StatusCode);
        using var bad = new HttpRequestMessage(HttpMethod.Post, "/api/devices/sc-lum-000020/commands") { Content = new StringContent("""{"type":"setOverride","dimPercent":400}""", System.Text.Encoding.UTF8, "application/json") };
        bad.Headers.Authorization = new("Bearer", "op-key-123456789012345");
        var badResponse = await cloud.Http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        Assert.Contains("dimPercent", await badResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var send = new HttpRequestMessage(HttpMethod.Post, "/api/devices/sc-lum-000020/commands") { Content = body };
        send.Headers.Authorization = new("Bearer", "op-key-123456789012345");
        var sent = await cloud.Http.SendAsync(send);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var command = System.Text.Json.JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement;
        var id = command.GetProperty("id").GetString()!;
        Assert.Equal("ana", command.GetProperty("sentBy").GetString());
        Assert.Equal("pending", command.GetProperty("state").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, command.GetProperty("expiresAt").ValueKind);

        // the device receives it on its cmd topic and acknowledges it
        var received = await CidadesInteligentes.Testing.Wait.ForAsync(dev.Messages.ReadAsync().AsTask(), "command delivered");
        var cmd = System.Text.Json.JsonDocument.Parse(received.Payload).RootElement;
        Assert.Equal(id, cmd.GetProperty("id").GetString());
        Assert.Equal(40, cmd.GetProperty("dimPercent").GetInt32());
        await dev.PublishAsync(Payload.Topic("sc-lum-000020", "cmd/ack"), $$"""{"v":1,"seq":1,"ts":"{{Payload.Ts(DateTimeOffset.UtcNow)}}","id":"{{id}}","result":"ok","detail":"override 40% for 600 s"}""");
        var after = await cloud.GetJsonAsync($"/api/devices/sc-lum-000020/commands/{id}");
        Assert.Equal("ok", after.GetProperty("result").GetString());
        Assert.Equal("ok", after.GetProperty("state").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, after.GetProperty("ackAt").ValueKind);
        Directory.Delete(dir, true);
    }
}
