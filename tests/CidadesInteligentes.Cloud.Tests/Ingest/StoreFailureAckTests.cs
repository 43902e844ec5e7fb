using System.Text;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>
/// The embedded broker in front of a store that refuses inserts (a SQLite trigger added through another connection):
/// a QoS 1 message whose commit failed is never acknowledged positively — MQTT 5 gets PUBACK 0x80 (unspecified
/// error), MQTT 3.1.1 (which has no negative PUBACK) loses the connection without one — and once the store works again
/// the resent message is stored exactly once and counted.
/// </summary>
public sealed class StoreFailureAckTests
{
    private const string FailInserts = "CREATE TRIGGER fail_test BEFORE INSERT ON telemetry BEGIN SELECT RAISE(ABORT, 'injected failure'); END;";
    private const string WorkAgain = "DROP TRIGGER fail_test;";

    [Fact]
    public async Task Mqtt5_gets_a_negative_puback_and_the_message_resent_once_the_store_works_is_stored_once()
    {
        await using var cloud = await CloudApp.StartAsync();
        const string device = "sc-lum-000910";
        var dev = await cloud.DeviceAsync(device);
        var topic = Payload.Topic(device, "telemetry");
        var message = Payload.Luminaire(1, DateTimeOffset.UtcNow.AddMinutes(-1), energyWh: 700);
        var counters = cloud.Get<IngestCounters>();
        var store = cloud.Get<SqliteStore>();
        await ExecuteAsync(cloud.Directory, FailInserts);

        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => dev.PublishAsync(topic, message));
        Assert.Equal(ReasonCodes.UnspecifiedError, refused.ReasonCode); // 0x80
        Assert.True(dev.IsConnected, "5.0 refuses the one message, not the connection");
        Assert.Equal(1, counters.StoreErrors);
        Assert.Equal(0, counters.Stored);
        Assert.Empty(store.Seqs(device, "telemetry"));

        await ExecuteAsync(cloud.Directory, WorkAgain);
        // a negative PUBACK ends the exchange (MQTT 5 §4.4): the device sends the message again from its outbox
        await dev.PublishAsync(topic, message);

        AssertStoredOnce(cloud, device, message);
        Assert.Equal(1, counters.StoreErrors);
        var stats = await cloud.GetJsonAsync("/api/ingest/stats");
        Assert.Equal(1, stats.GetProperty("stored").GetInt64());
        Assert.Equal(1, stats.GetProperty("storeErrors").GetInt64());
    }

    [Fact]
    public async Task Mqtt311_loses_the_connection_without_a_puback_and_its_client_resends_until_stored_once()
    {
        await using var cloud = await CloudApp.StartAsync();
        const string device = "sc-lum-000911";
        var topic = Payload.Topic(device, "telemetry");
        var message = Payload.Luminaire(1, DateTimeOffset.UtcNow.AddMinutes(-1), energyWh: 710);
        var counters = cloud.Get<IngestCounters>();
        var store = cloud.Get<SqliteStore>();
        await ExecuteAsync(cloud.Directory, FailInserts);
        // a persistent 3.1.1 session whose client resends its unacknowledged QoS 1 publish (DUP) after each reconnect
        await using var dev = new MqttClient(new MqttClientOptions
        {
            Port = cloud.BrokerPort, ClientId = device, Username = device, Version = MqttProtocolVersion.V311, CleanStart = false,
            AutoReconnect = true, ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        });
        await dev.ConnectAsync();

        var publish = dev.PublishAsync(topic, message);
        await Wait.UntilAsync(() => counters.StoreErrors >= 2 && dev.ConnectCount >= 2, "the message and a resend after a reconnect both refused by the store");
        Assert.False(publish.IsCompleted, "a message whose commit failed must not be acknowledged");
        Assert.Equal(0, counters.Stored);
        Assert.Empty(store.Seqs(device, "telemetry"));

        await ExecuteAsync(cloud.Directory, WorkAgain);
        await Wait.ForAsync(publish, "the resent message acknowledged once it is stored");

        AssertStoredOnce(cloud, device, message);
        Assert.True(counters.StoreErrors >= 2);
    }

    private static void AssertStoredOnce(CloudApp cloud, string device, string message)
    {
        var store = cloud.Get<SqliteStore>();
        var counters = cloud.Get<IngestCounters>();
        Assert.Equal([1L], store.Seqs(device, "telemetry"));
        var payload = Assert.Single(store.Query("SELECT CAST(payload AS BLOB) FROM telemetry WHERE device = $d", r => (byte[])r.GetValue(0), ("$d", device)));
        Assert.Equal(Encoding.UTF8.GetBytes(message), payload);
        Assert.Equal(1, counters.Stored);
        Assert.Equal(0, counters.Duplicates);
        Assert.Equal(0, counters.RejectedTotal);
        Assert.Empty(store.DeadLetters(10));
        var day = Assert.Single(store.DailyRollups(null, device, "2000-01-01", "2999-12-31"));
        Assert.Equal(1, day.Messages);
    }
}
