using System.Text.Json;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>The ingestor behind the real embedded broker: what is stored, what is rejected and counted.</summary>
public sealed class IngestorTests
{
    [Fact]
    public async Task Valid_telemetry_is_stored_once_per_seq_and_shows_on_the_device()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync("sc-lum-000001");
        var now = DateTimeOffset.UtcNow;
        await dev.PublishAsync(Payload.Topic("sc-lum-000001", "status"), Payload.Status("online", now), 1, retain: true);
        for (var seq = 1; seq <= 5; seq++)
        {
            await dev.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(seq, now.AddMinutes(seq - 5), 1000 + seq));
        }
        // a replay of seq 3 and 5 (e.g. resent after a reconnect) is a duplicate
        await dev.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(3, now.AddMinutes(-2), 1003));
        await dev.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(5, now, 1005));

        var store = cloud.Get<SqliteStore>();
        Assert.Equal([1L, 2, 3, 4, 5], store.Seqs("sc-lum-000001", "telemetry"));
        var counters = cloud.Get<IngestCounters>();
        Assert.Equal(5, counters.Stored - 1); // + the status
        Assert.Equal(2, counters.Duplicates);

        var device = await cloud.GetJsonAsync("/api/devices/sc-lum-000001");
        Assert.True(device.GetProperty("online").GetBoolean());
        Assert.Equal(55, device.GetProperty("powerW").GetDouble());
        Assert.Equal(5, device.GetProperty("recent").GetArrayLength());
        var list = await cloud.GetJsonAsync($"/api/devices?city={Payload.City}");
        Assert.Equal("sc-lum-000001", list[0].GetProperty("id").GetString());
    }

    public static TheoryData<string, string, string> BadMessages => new()
    {
        { "json", "telemetry", "{\"v\":1,\"seq\":" },
        { "json", "telemetry", "not json at all" },
        { "json", "telemetry", """{"v":1,"seq":1,"ts":"2026-11-22T03:15:00Z","energyWh":"12","burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""" },
        { "json", "telemetry", """{"v":1,"seq":1,"ts":"2026-11-22T03:15:00Z","energyWh":NaN,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""" },
        { "range", "telemetry", """{"v":1,"seq":1,"ts":"NOW","energyWh":1,"burnSeconds":1,"powerW":99999,"dimPercent":1,"lampOn":true,"uptimeS":1}""" },
        { "missing", "telemetry", """{"v":1,"seq":1,"ts":"NOW","burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""" },
        { "clock", "telemetry", """{"v":1,"seq":1,"ts":"FUTURE","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""" },
        { "version", "event", """{"v":9,"seq":1,"ts":"NOW","type":"lampFailure","active":true}""" },
        { "size", "event", "BIG" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task Bad_messages_are_dead_lettered_and_counted_and_good_data_is_untouched(string reason, string stream, string body)
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync("sc-lum-000002");
        var now = DateTimeOffset.UtcNow;
        await dev.PublishAsync(Payload.Topic("sc-lum-000002", "telemetry"), Payload.Luminaire(1, now.AddMinutes(-1), 500));
        body = body.Replace("\"NOW\"", $"\"{Payload.Ts(now)}\"", StringComparison.Ordinal)
            .Replace("\"FUTURE\"", $"\"{Payload.Ts(now.AddHours(2))}\"", StringComparison.Ordinal);
        if (body == "BIG")
        {
            body = Payload.Event(2, now, "lampFailure", true, new string('x', 5000));
        }
        await dev.PublishAsync(Payload.Topic("sc-lum-000002", stream), body);
        await dev.PublishAsync(Payload.Topic("sc-lum-000002", "telemetry"), Payload.Luminaire(2, now, 501));

        var counters = cloud.Get<IngestCounters>();
        Assert.Equal(1, counters.RejectedFor(reason));
        Assert.Equal(1, counters.RejectedTotal);
        var store = cloud.Get<SqliteStore>();
        Assert.Equal([1L, 2], store.Seqs("sc-lum-000002", "telemetry"));
        var dead = Assert.Single(store.DeadLetters(10));
        Assert.Equal(reason, dead.Reason);
        Assert.Contains(reason, dead.Detail, StringComparison.Ordinal);
        var stats = await cloud.GetJsonAsync("/api/ingest/stats");
        Assert.Equal(1, stats.GetProperty("rejected").GetProperty(reason).GetInt64());
        Assert.True(dev.IsConnected, "a bad message must not cost the device its connection");
    }

    [Fact]
    public void A_payload_that_is_a_whole_array_is_kept_and_a_slice_is_copied()
    {
        // the MQTT decoders hand over each payload in an array of its own: the ingestor keeps it instead of copying it
        var whole = "{\"v\":1}"u8.ToArray();
        Assert.Same(whole, Ingestor.Owned(whole));
        // a slice of a larger buffer (a caller that reuses it) is copied, with exactly its bytes
        var buffer = "xx{\"v\":1}yy"u8.ToArray();
        var copy = Ingestor.Owned(buffer.AsMemory(2, whole.Length));
        Assert.NotSame(buffer, copy);
        Assert.Equal(whole, copy);
        Assert.Empty(Ingestor.Owned(ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public async Task Unknown_city_is_rejected_with_a_clear_reason()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync("xx-lum-000001");
        await dev.PublishAsync(Payload.Topic("xx-lum-000001", "telemetry", city: "9999999"), Payload.Luminaire(1, DateTimeOffset.UtcNow));
        var dead = Assert.Single(cloud.Get<SqliteStore>().DeadLetters(10));
        Assert.Equal(RejectReasons.City, dead.Reason);
        Assert.Contains("9999999", dead.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_cannot_publish_for_another_device_when_credentials_are_configured()
    {
        var dir = Directory.CreateTempSubdirectory("ci-cloud-").FullName;
        var devices = Path.Combine(dir, "devices.txt");
        await File.WriteAllLinesAsync(devices, [Cloud.Broker.DeviceCredentials.Line("sc-lum-000010", "secret-10"), Cloud.Broker.DeviceCredentials.Line("sc-lum-000011", "secret-11")]);
        await using var cloud = await CloudApp.StartAsync(null, "--Broker:DevicesFile", devices);
        var dev = await cloud.DeviceAsync("sc-lum-000010", "secret-10");
        // the broker ACL refuses publishing under another device's prefix: nothing stored, counted by the broker
        var refused = await Assert.ThrowsAsync<CidadesInteligentes.Mqtt.Client.MqttConnectException>(
            () => dev.PublishAsync(Payload.Topic("sc-lum-000011", "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow)));
        Assert.Equal(CidadesInteligentes.Mqtt.ReasonCodes.NotAuthorized, refused.ReasonCode);
        await dev.PublishAsync(Payload.Topic("sc-lum-000010", "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow));
        var store = cloud.Get<SqliteStore>();
        Assert.Empty(store.Seqs("sc-lum-000011", "telemetry"));
        Assert.Equal([1L], store.Seqs("sc-lum-000010", "telemetry"));
        // and the ingestor checks identity again for messages that reach it by other paths
        var ingestor = cloud.Get<Ingestor>();
        await ingestor.IngestAsync("sc-lum-000010", "test", Payload.Topic("sc-lum-000011", "telemetry"), System.Text.Encoding.UTF8.GetBytes(Payload.Luminaire(2, DateTimeOffset.UtcNow)), default);
        Assert.Equal(1, cloud.Get<IngestCounters>().SecurityEvents);
        Assert.Equal(RejectReasons.Identity, Assert.Single(store.DeadLetters(10)).Reason);
        // wrong secret: refused at connect
        await Assert.ThrowsAsync<CidadesInteligentes.Mqtt.Client.MqttConnectException>(() => cloud.DeviceAsync("sc-lum-000011", "wrong"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Events_open_and_close_alerts_and_a_will_marks_the_device_offline()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync("sc-lum-000003");
        var now = DateTimeOffset.UtcNow;
        await dev.PublishAsync(Payload.Topic("sc-lum-000003", "event"), Payload.Event(1, now, EventTypes.LampFailure, true));
        await dev.PublishAsync(Payload.Topic("sc-lum-000003", "event"), Payload.Event(2, now, EventTypes.LampFailure, true));
        var alerts = await cloud.GetJsonAsync("/api/alerts?active=true");
        var alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal("lampFailure", alert.GetProperty("type").GetString());
        Assert.Equal(2, alert.GetProperty("count").GetInt32());
        await dev.PublishAsync(Payload.Topic("sc-lum-000003", "event"), Payload.Event(3, now, EventTypes.LampFailure, false));
        Assert.Empty((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
        Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=false")).EnumerateArray());
    }

    [Fact]
    public async Task A_will_published_by_the_broker_is_stored_as_status_and_marks_the_device_offline()
    {
        await using var cloud = await CloudApp.StartAsync();
        var topic = Payload.Topic("sc-lum-000004", "status");
        var c = new CidadesInteligentes.Mqtt.Client.MqttClient(new CidadesInteligentes.Mqtt.Client.MqttClientOptions
        {
            Port = cloud.BrokerPort, ClientId = "sc-lum-000004", Username = "sc-lum-000004", AutoReconnect = false,
            Will = new CidadesInteligentes.Mqtt.Packets.WillMessage { Topic = topic, Payload = "{\"v\":1,\"state\":\"offline\"}"u8.ToArray(), Qos = 1, Retain = true },
        });
        await c.ConnectAsync();
        await c.PublishAsync(topic, Payload.Status("online", DateTimeOffset.UtcNow), 1, retain: true);
        Assert.True((await cloud.GetJsonAsync("/api/devices/sc-lum-000004")).GetProperty("online").GetBoolean());
        await c.DisposeAsync(); // drops the link without DISCONNECT → will
        await Wait.UntilAsync(async () => !(await cloud.GetJsonAsync("/api/devices/sc-lum-000004")).GetProperty("online").GetBoolean(), "device offline after its will");
        var log = cloud.Get<SqliteStore>().StatusLog(null, "sc-lum-000004", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(["online", "offline"], log.Select(s => s.State));
    }
}
