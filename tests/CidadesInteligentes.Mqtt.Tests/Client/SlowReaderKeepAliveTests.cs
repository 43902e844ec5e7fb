using System.Collections.Concurrent;
using System.Diagnostics;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// When the application reads its messages slowly the incoming channel fills and the client stops reading the socket,
/// so the server's PINGRESP waits there unread. The keep-alive took that for a dead link and closed a healthy one
/// (after a reconnect the server redelivered everything unacknowledged: redelivery storms on the cloud's upstream
/// consumer whenever its store was slow). MQTT 3.1.2.10: the client closes the link when no PINGRESP comes within a
/// reasonable time; an answer we are not reading is not a missing answer.
/// </summary>
public sealed class SlowReaderKeepAliveTests
{
    private const string Topic = "ci/v1/3548906/luminaire/sc-lum-1/cmd";

    [Fact]
    public async Task A_link_stays_up_while_the_application_lags_longer_than_the_keep_alive_and_nothing_is_redelivered()
    {
        using var server = new ScriptedServer();
        var options = server.ClientOptions("slow-reader");
        options.KeepAliveSeconds = 1;
        options.IncomingCapacity = 1;
        await using var client = new MqttClient(options);
        var lost = 0;
        client.ConnectionLost += _ => Interlocked.Increment(ref lost);
        var connecting = client.ConnectAsync();
        await using var peer = await server.AcceptAsync();
        await connecting;

        // the first message fills the incoming channel, the second holds the client's read loop, the third waits in
        // the socket, and every PINGRESP after it
        for (ushort id = 1; id <= 3; id++)
        {
            await peer.SendAsync(new PublishPacket { Topic = Topic, Payload = new[] { (byte)id }, Qos = 1, PacketId = id });
        }
        var held = Stopwatch.StartNew();
        var serving = new Serving(peer);

        // the client goes on pinging (the server must see it alive) and keeps the link: five pings, at least half a
        // keep-alive apart, take more than 1.5 keep-alive periods
        await Wait.UntilAsync(() => serving.Pings >= 5 || serving.Ended.IsCompleted, "five PINGREQs while the application lags");
        Assert.False(serving.Ended.IsCompleted, "the client closed the link while its application lagged");
        Assert.True(held.Elapsed > TimeSpan.FromSeconds(1.5), $"held {held.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal((1, 0, true), (client.ConnectCount, Volatile.Read(ref lost), client.IsConnected));

        // every message once, in order, each acknowledged once
        for (byte id = 1; id <= 3; id++)
        {
            Assert.Equal(new[] { id }, (await Wait.ForAsync(client.Messages.ReadAsync().AsTask(), $"message {id}", ScriptedServer.Limit)).Payload.ToArray());
        }
        await Wait.UntilAsync(() => serving.Acked.Count == 3, "three PUBACKs");
        Assert.Equal(new ushort[] { 1, 2, 3 }, serving.Acked);
        Assert.False(client.Messages.TryRead(out _));

        // the keep-alive still gives a silent server up once the application has caught up
        serving.AnswerPings = false;
        await Wait.UntilAsync(() => Volatile.Read(ref lost) == 1, "the link to a server that stopped answering PINGREQs closed", ScriptedServer.Limit);
    }

    /// <summary>The server's read side: counts PINGREQs (answering them while <see cref="AnswerPings"/>) and records PUBACKs.</summary>
    private sealed class Serving
    {
        private readonly MqttConnection _peer;
        private int _pings;

        public Serving(MqttConnection peer)
        {
            _peer = peer;
            Ended = Task.Run(ReadAsync);
        }

        public int Pings => Volatile.Read(ref _pings);

        public volatile bool AnswerPings = true;

        public ConcurrentQueue<ushort> Acked { get; } = new();

        public Task Ended { get; }

        private async Task ReadAsync()
        {
            try
            {
                while (await _peer.ReadAsync(_peer.Closed) is { } packet)
                {
                    if (packet is PingPacket { Type: PacketType.PingReq })
                    {
                        Interlocked.Increment(ref _pings);
                        if (AnswerPings)
                        {
                            await _peer.SendAsync(PingPacket.Response);
                        }
                    }
                    else if (packet is PubAckPacket { Type: PacketType.PubAck } ack)
                    {
                        Acked.Enqueue(ack.PacketId);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }
    }
}
