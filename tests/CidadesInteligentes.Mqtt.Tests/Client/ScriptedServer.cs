using System.Net;
using System.Net.Sockets;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// The server side of a client test, on the project's codec: a loopback listener whose connections are granted (no
/// session present unless asked, optional CONNACK properties); the test then reads and sends every packet itself.
/// </summary>
internal sealed class ScriptedServer : IDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ScriptedServer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Options of a client for this server: no reconnect delay to speak of.</summary>
    public MqttClientOptions ClientOptions(string clientId) => new()
    {
        Port = Port,
        ClientId = clientId,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(10),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>Accepts the next connection, reads its CONNECT and answers a successful CONNACK.</summary>
    public async Task<MqttConnection> AcceptAsync(MqttProperties? connAckProperties = null, bool sessionPresent = false)
    {
        var socket = await Wait.ForAsync(_listener.AcceptSocketAsync(), "the client connects", Limit);
        var connection = MqttConnection.FromStream(new NetworkStream(socket, ownsSocket: true), MqttCodec.MaxRemainingLength);
        using var limit = new CancellationTokenSource(Limit);
        Assert.IsType<ConnectPacket>(await connection.ReadAsync(limit.Token));
        await connection.SendAsync(new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = ReasonCodes.Success, Properties = connAckProperties }, limit.Token);
        return connection;
    }

    /// <summary>Accepts the next connection, reads its CONNECT and refuses it in the client's protocol version.</summary>
    public async Task RefuseAsync(byte reasonCode, MqttProperties? connAckProperties = null)
    {
        var socket = await Wait.ForAsync(_listener.AcceptSocketAsync(), "the client connects", Limit);
        await using var connection = MqttConnection.FromStream(new NetworkStream(socket, ownsSocket: true), MqttCodec.MaxRemainingLength);
        using var limit = new CancellationTokenSource(Limit);
        connection.Version = Assert.IsType<ConnectPacket>(await connection.ReadAsync(limit.Token)).ProtocolVersion;
        await connection.SendAsync(new ConnAckPacket { ReasonCode = reasonCode, Properties = connAckProperties }, limit.Token);
        await connection.CompleteAsync(Limit);
    }

    /// <summary>The next packet from the client that is not a PINGREQ (those are answered).</summary>
    public static async Task<T> ReadAsync<T>(MqttConnection connection)
        where T : MqttPacket
    {
        using var limit = new CancellationTokenSource(Limit);
        while (true)
        {
            var packet = await connection.ReadAsync(limit.Token);
            if (packet is PingPacket { Type: PacketType.PingReq })
            {
                await connection.SendAsync(PingPacket.Response, limit.Token);
                continue;
            }
            return Assert.IsType<T>(packet);
        }
    }

    public void Dispose() => _listener.Dispose();
}
