using System.Net;
using System.Net.Sockets;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// A client whose application reads its messages slowly stops reading the socket (the incoming channel is full). A
/// link lost meanwhile (here the server closes it; the client notices when its next PINGREQ cannot be written) is
/// closed while the read loop still holds it. The client must then reconnect like after any other drop, however many
/// attempts fail first. (The keep-alive itself no longer closes such a link: SlowReaderKeepAliveTests.)
/// </summary>
public sealed class KeepAliveReconnectTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_link_the_server_closes_while_the_application_lags_is_reconnected_after_a_failed_attempt()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var client = new MqttClient(new MqttClientOptions
        {
            Port = ((IPEndPoint)listener.LocalEndpoint).Port,
            ClientId = "slow-reader",
            KeepAliveSeconds = 1,
            IncomingCapacity = 1,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(50),
        });
        var connecting = client.ConnectAsync();
        await using (var first = await AcceptAsync(listener))
        {
            await connecting;

            // the first message fills the incoming channel, the second holds the client's read loop: nothing more is read
            await first.SendAsync(new PublishPacket { Topic = "ci/v1/3548906/luminaire/sc-lum-1/cmd", Payload = "1"u8.ToArray() });
            await first.SendAsync(new PublishPacket { Topic = "ci/v1/3548906/luminaire/sc-lum-1/cmd", Payload = "2"u8.ToArray() });
            await first.CompleteAsync(Limit);
        }

        // the client's next PINGREQ finds the link closed; the first attempt after that is refused (closed at once)
        using (var refused = await Wait.ForAsync(listener.AcceptSocketAsync(), "the client's first reconnect attempt", Limit))
        {
            refused.Close();
        }
        await using var second = await Wait.ForAsync(AcceptAsync(listener), "the client tries again after the refused attempt", Limit);
        await Wait.UntilAsync(() => client.IsConnected && client.ConnectCount == 2, "connected again", Limit);

        // the held messages are still delivered once the application reads them
        Assert.Equal("1"u8.ToArray(), (await client.Messages.ReadAsync()).Payload.ToArray());
        Assert.Equal("2"u8.ToArray(), (await client.Messages.ReadAsync()).Payload.ToArray());
    }

    [Fact]
    public async Task A_closed_connection_still_says_so_after_it_is_disposed()
    {
        var connection = MqttConnection.FromStream(new MemoryStream(), MqttCodec.MaxRemainingLength);
        await connection.DisposeAsync();
        Assert.True(connection.Closed.IsCancellationRequested);
    }

    /// <summary>Accepts one connection, reads its CONNECT and grants it (no session present).</summary>
    private static async Task<MqttConnection> AcceptAsync(TcpListener listener)
    {
        var socket = await listener.AcceptSocketAsync();
        var connection = MqttConnection.FromStream(new NetworkStream(socket, ownsSocket: true), MqttCodec.MaxRemainingLength);
        using var limit = new CancellationTokenSource(Limit);
        Assert.IsType<ConnectPacket>(await connection.ReadAsync(limit.Token));
        await connection.SendAsync(new ConnAckPacket { ReasonCode = ReasonCodes.Success }, limit.Token);
        return connection;
    }
}
