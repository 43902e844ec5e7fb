using System.Net;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary><c>GET /api/ingest/dead-letters</c>: what an operator reads when a device sends something the ingestor refuses.</summary>
public sealed class DeadLetterApiTests
{
    [Fact]
    public async Task Lists_the_latest_rejects_newest_first_with_topic_reason_and_detail_and_clamps_the_limit()
    {
        await using var cloud = await CloudApp.StartAsync();
        const string device = "sc-lum-000960";
        var dev = await cloud.DeviceAsync(device);
        var now = DateTimeOffset.UtcNow;
        var topic = Payload.Topic(device, "telemetry");
        await dev.PublishAsync(topic, "{not json");
        await dev.PublishAsync(topic, Payload.Luminaire(1, now).Replace("\"powerW\":55", "\"powerW\":\"55\"", StringComparison.Ordinal));
        await dev.PublishAsync(Payload.Topic(device, "telemetry", city: "9999999"), Payload.Luminaire(2, now));
        await dev.PublishAsync(topic, Payload.Luminaire(3, now)); // a good one in between is not listed

        var all = await cloud.GetJsonAsync("/api/ingest/dead-letters");
        Assert.Equal(3, all.GetArrayLength());
        var newest = all[0];
        Assert.Equal("city", newest.GetProperty("reason").GetString());
        Assert.Contains("9999999", newest.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(Payload.Topic(device, "telemetry", city: "9999999"), newest.GetProperty("topic").GetString());
        Assert.Equal(device, newest.GetProperty("client").GetString());
        Assert.Equal("json", all[1].GetProperty("reason").GetString()); // a wrong type is a JSON reject that names the field
        Assert.Contains("powerW", all[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("json", all[2].GetProperty("reason").GetString());
        Assert.True(all[0].GetProperty("id").GetInt64() > all[1].GetProperty("id").GetInt64());

        Assert.Equal(2, (await cloud.GetJsonAsync("/api/ingest/dead-letters?limit=2")).GetArrayLength());
        Assert.Equal(1, (await cloud.GetJsonAsync("/api/ingest/dead-letters?limit=0")).GetArrayLength()); // at least 1
        Assert.Equal(3, (await cloud.GetJsonAsync("/api/ingest/dead-letters?limit=100000")).GetArrayLength()); // at most 1,000
        var bad = await cloud.Http.GetAsync("/api/ingest/dead-letters?limit=many");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
