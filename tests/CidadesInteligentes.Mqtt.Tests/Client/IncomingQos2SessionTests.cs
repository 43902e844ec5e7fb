using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// A QoS 2 message received (PUBREC sent) but not yet released (no PUBREL) is part of the client's session state (MQTT 5
/// §4.1, 3.1.1 §4.1), and until the PUBREL the receiver answers a PUBLISH with the same packet id with PUBREC and
/// delivers nothing (§4.3.3). The client forgot those ids whenever a link dropped, even when the server resumed the
/// session, so the server's resend of the PUBLISH (DUP) reached the application a second time. They are kept while the
/// session is resumed (CONNACK session present 1) and dropped only when the server starts a new one (§3.2.2.2).
/// </summary>
public sealed class IncomingQos2SessionTests
{
    private const string Topic = "ci/v1/3548906/luminaire/sc-lum-1/cmd";

    [Fact]
    public async Task A_qos2_message_resent_with_dup_on_a_resumed_session_reaches_the_application_once()
    {
        using var server = new ScriptedServer();
        await using var client = new MqttClient(PersistentOptions(server, "qos2-resumed"));
        var connecting = client.ConnectAsync();
        await using (var first = await server.AcceptAsync())
        {
            await connecting;
            await first.SendAsync(Publish(dup: false));
            var rec = await ScriptedServer.ReadAsync<PubAckPacket>(first);
            Assert.Equal((PacketType.PubRec, (ushort)7), (rec.Type, rec.PacketId));
            var message = await Wait.ForAsync(client.Messages.ReadAsync().AsTask(), "the QoS 2 message", ScriptedServer.Limit);
            Assert.Equal(new byte[] { 42 }, message.Payload.ToArray());
        } // the link drops before the PUBREL

        await using var second = await server.AcceptAsync(sessionPresent: true);
        await second.SendAsync(Publish(dup: true));
        Assert.Equal(PacketType.PubRec, (await ScriptedServer.ReadAsync<PubAckPacket>(second)).Type);
        await second.SendAsync(new PubAckPacket(PacketType.PubRel, 7));
        var comp = await ScriptedServer.ReadAsync<PubAckPacket>(second);
        Assert.Equal((PacketType.PubComp, (ushort)7), (comp.Type, comp.PacketId));

        // the client handles packets in order: by its PUBCOMP the resent PUBLISH has been handled too
        Assert.False(client.Messages.TryRead(out var again), $"delivered twice: {again}");
        Assert.Equal(2, client.ConnectCount);
    }

    [Fact]
    public async Task A_new_session_forgets_the_unreleased_ids_and_a_publish_with_the_same_id_is_a_new_message()
    {
        using var server = new ScriptedServer();
        await using var client = new MqttClient(PersistentOptions(server, "qos2-new-session"));
        var connecting = client.ConnectAsync();
        await using (var first = await server.AcceptAsync())
        {
            await connecting;
            await first.SendAsync(Publish(dup: false));
            Assert.Equal(PacketType.PubRec, (await ScriptedServer.ReadAsync<PubAckPacket>(first)).Type);
            await Wait.ForAsync(client.Messages.ReadAsync().AsTask(), "the QoS 2 message", ScriptedServer.Limit);
        }

        // the server lost the session (expired, restarted): packet id 7 now names another message
        await using var second = await server.AcceptAsync(sessionPresent: false);
        await second.SendAsync(Publish(dup: false, payload: 43));
        Assert.Equal(PacketType.PubRec, (await ScriptedServer.ReadAsync<PubAckPacket>(second)).Type);
        var message = await Wait.ForAsync(client.Messages.ReadAsync().AsTask(), "the new session's message", ScriptedServer.Limit);
        Assert.Equal(new byte[] { 43 }, message.Payload.ToArray());
    }

    private static MqttClientOptions PersistentOptions(ScriptedServer server, string clientId)
    {
        var options = server.ClientOptions(clientId);
        options.CleanStart = false;
        options.SessionExpirySeconds = 3600;
        return options;
    }

    private static PublishPacket Publish(bool dup, byte payload = 42) =>
        new() { Topic = Topic, Payload = new[] { payload }, Qos = 2, PacketId = 7, Dup = dup };
}
