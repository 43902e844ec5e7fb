using CidadesInteligentes.Cloud.Broker;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>
/// The contract's access rule on the embedded broker with a devices file (the counterpart of
/// <see cref="MosquittoAccessRuleTests"/>): each refusal is answered as MQTT allows and counted in the broker's
/// <c>aclDenials</c>, which <c>/api/ingest/stats</c> shows.
/// </summary>
public sealed class EmbeddedAccessRuleTests
{
    private const string A = "sc-lum-000810";
    private const string B = "sc-lum-000811";

    [Fact]
    public async Task A_device_publishing_or_subscribing_under_another_devices_prefix_is_refused_and_each_refusal_counted()
    {
        var dir = Directory.CreateTempSubdirectory("ci-cloud-acl-").FullName;
        var devices = Path.Combine(dir, "devices.txt");
        await File.WriteAllLinesAsync(devices, [DeviceCredentials.Line(A, "secret-a-1234567890"), DeviceCredentials.Line(B, "secret-b-1234567890")]);
        await using var cloud = await CloudApp.StartAsync(null, "--Broker:DevicesFile", devices);
        var now = DateTimeOffset.UtcNow;
        var metrics = cloud.Get<MqttBroker>().Metrics;

        // MQTT 5: a negative PUBACK and SUBACK (0x87 Not authorized)
        var a = await cloud.DeviceAsync(A, "secret-a-1234567890");
        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => a.PublishAsync(Payload.Topic(B, "telemetry"), Payload.Luminaire(1, now.AddMinutes(-3), 1000)));
        Assert.Equal(ReasonCodes.NotAuthorized, refused.ReasonCode);
        Assert.Equal(new byte[] { ReasonCodes.NotAuthorized, 1 }, await a.SubscribeAsync([new(Payload.Topic(B, "cmd"), 1), new(Payload.Topic(A, "cmd"), 1)]));
        await a.PublishAsync(Payload.Topic(A, "telemetry"), Payload.Luminaire(1, now.AddMinutes(-3), 500));
        Assert.Equal(2, metrics.AclDenials);
        await a.DisconnectAsync();

        // MQTT 3.1.1 has no negative PUBACK: the publish is acknowledged and dropped; the SUBACK says 0x80 (failure)
        var a311 = await cloud.DeviceAsync(A, "secret-a-1234567890", MqttProtocolVersion.V311);
        await a311.PublishAsync(Payload.Topic(B, "telemetry"), Payload.Luminaire(2, now.AddMinutes(-2), 1001));
        Assert.Equal(new byte[] { 0x80 }, await a311.SubscribeAsync(Payload.Topic(B, "cmd")));
        await a311.PublishAsync(Payload.Topic(A, "telemetry"), Payload.Luminaire(2, now.AddMinutes(-2), 501));
        Assert.Equal(4, metrics.AclDenials);

        var store = cloud.Get<SqliteStore>();
        Assert.Equal([1L, 2], store.Seqs(A, "telemetry"));
        Assert.Empty(store.Seqs(B, "telemetry"));
        Assert.Empty(store.DeadLetters(10)); // refused by the broker: the ingestor never saw them
        var stats = await cloud.GetJsonAsync("/api/ingest/stats");
        Assert.Equal(4, stats.GetProperty("broker").GetProperty("metrics").GetProperty("aclDenials").GetInt64());
        Assert.Equal(0, stats.GetProperty("securityEvents").GetInt64());
        Assert.Equal(0, cloud.Get<IngestCounters>().SecurityEvents);
        Assert.True(a311.IsConnected, "a refused message must not cost the device its connection");
        Directory.Delete(dir, true);
    }
}
