using System.Text;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Interop;

/// <summary>Our <see cref="MqttClient"/> against a real Mosquitto broker (started per test on a free port).</summary>
public sealed class MosquittoBrokerTests
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    private static MqttClientOptions Options(int port, string id, MqttProtocolVersion v) => new()
    {
        Port = port,
        ClientId = id,
        Version = v,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
    };

    private static async Task<MqttMessage> NextAsync(MqttClient c, double seconds = 10)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await c.Messages.ReadAsync(cts.Token);
    }

    private static string Text(MqttMessage m) => Encoding.UTF8.GetString(m.Payload.Span);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_qos_and_retained(MqttProtocolVersion v)
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        await using var sub = new MqttClient(Options(mosquitto.Port, "sub", v));
        await sub.ConnectAsync();
        await sub.SubscribeAsync("q/#", 2);
        await using var pub = new MqttClient(Options(mosquitto.Port, "pub", v));
        await pub.ConnectAsync();
        for (var qos = 0; qos <= 2; qos++)
        {
            await pub.PublishAsync($"q/{qos}", $"m{qos}", qos);
        }
        for (var qos = 0; qos <= 2; qos++)
        {
            var m = await NextAsync(sub);
            Assert.Equal(($"q/{qos}", $"m{qos}", qos), (m.Topic, Text(m), m.Qos));
        }
        await pub.PublishAsync("r/status", "online", 1, retain: true);
        await using var late = new MqttClient(Options(mosquitto.Port, "late", v));
        await late.ConnectAsync();
        await late.SubscribeAsync("r/#", 1);
        var r = await NextAsync(late);
        Assert.True(r.Retain);
        Assert.Equal("online", Text(r));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Will_is_published_by_mosquitto_when_our_client_drops(MqttProtocolVersion v)
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        await using var watcher = new MqttClient(Options(mosquitto.Port, "watcher", v));
        await watcher.ConnectAsync();
        await watcher.SubscribeAsync("wills/#", 1);
        var o = Options(mosquitto.Port, "device", v);
        o.Will = new WillMessage { Topic = "wills/device", Payload = "gone"u8.ToArray(), Qos = 1 };
        await using (var d = new MqttClient(o))
        {
            await d.ConnectAsync();
        } // disposed without DISCONNECT
        var m = await NextAsync(watcher);
        Assert.Equal(("wills/device", "gone"), (m.Topic, Text(m)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Persistent_session_keeps_messages_while_offline(MqttProtocolVersion v)
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        var o = Options(mosquitto.Port, "ingest", v);
        o.CleanStart = false;
        o.SessionExpirySeconds = 3600;
        await using (var first = new MqttClient(o))
        {
            await first.ConnectAsync();
            await first.SubscribeAsync("ci/#", 1);
            await first.DisconnectAsync();
        }
        await using var pub = new MqttClient(Options(mosquitto.Port, "pub", v));
        await pub.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await pub.PublishAsync("ci/x", $"m{i}", 1);
        }
        await using var back = new MqttClient(o);
        Assert.True((await back.ConnectAsync()).SessionPresent);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($"m{i}", Text(await NextAsync(back)));
        }
    }

    [Fact]
    public async Task Client_reconnects_and_resumes_after_a_broker_restart()
    {
        var first = await MosquittoServer.StartAsync();
        var port = first.Port;
        var dir = first.Directory;
        var o = Options(port, "ingest", MqttProtocolVersion.V500);
        o.CleanStart = false;
        o.SessionExpirySeconds = 3600;
        o.KeepAliveSeconds = 2;
        await using var sub = new MqttClient(o);
        await sub.ConnectAsync();
        await sub.SubscribeAsync("ci/#", 1);
        first.Kill(); // crash; the directory (and its persistence file) stays for the restart
        await Wait.UntilAsync(() => !sub.IsConnected, "client notices the broker is gone");
        await using var second = await MosquittoServer.StartAsync(port: port, directory: dir);
        await Wait.ForAsync(sub.WaitConnectedAsync(), "client reconnects by itself", TimeSpan.FromSeconds(20));
        Assert.True(sub.ConnectCount >= 2);
        await using var pub = new MqttClient(Options(port, "pub", MqttProtocolVersion.V500));
        await pub.ConnectAsync();
        await Wait.UntilAsync(
            async () =>
            {
                await pub.PublishAsync("ci/x", "after restart", 1);
                return sub.Messages.TryRead(out var m) && Text(m) == "after restart";
            },
            "message flows after the restart");
    }
}
