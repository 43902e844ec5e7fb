using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// A link lost while the application lags (the incoming channel full, the read loop holding a message) is noticed by
/// the writer and replaced by the reconnect before its read loop ends. The read loop's "connection lost" then found a
/// connection that was no longer the current one and returned without disposing it: its socket stayed open until the
/// application read its messages, and after that for good.
/// </summary>
public sealed class ReplacedConnectionDisposeTests
{
    private const string Topic = "ci/v1/3548906/luminaire/sc-lum-1/cmd";

    [Fact]
    public async Task A_connection_replaced_while_its_reader_is_held_is_disposed_without_waiting_for_the_application()
    {
        using var server = new ScriptedServer();
        var options = server.ClientOptions("replaced");
        options.KeepAliveSeconds = 1; // the client's PINGREQs find the closed link
        options.IncomingCapacity = 1;
        await using var client = new MqttClient(options);
        var connecting = client.ConnectAsync();
        MqttConnection old;
        await using (var first = await server.AcceptAsync())
        {
            await connecting;

            // the first message fills the incoming channel, the second holds the client's read loop
            await first.SendAsync(new PublishPacket { Topic = Topic, Payload = new byte[] { 1 }, Qos = 1, PacketId = 1 });
            await first.SendAsync(new PublishPacket { Topic = Topic, Payload = new byte[] { 2 }, Qos = 1, PacketId = 2 });
            MqttMessage? queued = null;
            await Wait.UntilAsync(() => client.Messages.TryPeek(out queued), "the first message waits for the application", ScriptedServer.Limit);
            old = Assert.IsType<MqttConnection>(queued!.Connection);
            await Wait.UntilAsync(() => old.ReaderHeldUntil == long.MaxValue, "the read loop holds the second message", ScriptedServer.Limit);
        }

        // the server closed the link; the client notices on writing and connects again, its read loop still held
        await using var second = await server.AcceptAsync();
        using var serving = new CancellationTokenSource();
        var pings = AnswerPingsAsync(second, serving.Token);
        await Wait.UntilAsync(() => client.IsConnected && client.ConnectCount == 2, "connected again", ScriptedServer.Limit);
        await Wait.UntilAsync(() => old.IsDisposed, "the replaced connection disposed", ScriptedServer.Limit);
        Assert.Equal(long.MaxValue, old.ReaderHeldUntil); // the application has not read yet

        // the held messages are still delivered, and the new link is the client's
        Assert.Equal(new byte[] { 1 }, (await Wait.ForAsync(client.Messages.ReadAsync().AsTask(), "message 1", ScriptedServer.Limit)).Payload.ToArray());
        Assert.Equal(new byte[] { 2 }, (await Wait.ForAsync(client.Messages.ReadAsync().AsTask(), "message 2", ScriptedServer.Limit)).Payload.ToArray());
        Assert.True(client.IsConnected);
        Assert.Equal(2, client.ConnectCount);
        await serving.CancelAsync();
        await pings;
    }

    /// <summary>Keeps the replacement link alive: answers the client's PINGREQs until cancelled.</summary>
    private static async Task AnswerPingsAsync(MqttConnection peer, CancellationToken ct)
    {
        try
        {
            while (await peer.ReadAsync(ct) is PingPacket { Type: PacketType.PingReq })
            {
                await peer.SendAsync(PingPacket.Response, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
