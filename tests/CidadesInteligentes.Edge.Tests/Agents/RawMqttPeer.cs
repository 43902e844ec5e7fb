using System.Net.Sockets;
using System.Threading.Channels;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;

namespace CidadesInteligentes.Edge.Tests.Agents;

/// <summary>
/// The broker side of one MQTT connection, on the project's codec, for a broker that misbehaves on purpose: it accepts
/// the CONNECT (no session present), grants every SUBSCRIBE and answers PINGREQ; a QoS 1 PUBLISH is acknowledged at
/// once only when <c>ackAtOnce</c> accepts its topic, otherwise it is held until the test calls <see cref="AckAsync"/>
/// (or forever).
/// </summary>
internal sealed class RawMqttPeer : IAsyncDisposable
{
    private readonly MqttConnection _connection;
    private readonly Func<string, bool> _ackAtOnce;
    private readonly Channel<PublishPacket> _held = Channel.CreateUnbounded<PublishPacket>();
    private readonly Task _reader;
    private int _subscribes;

    private RawMqttPeer(MqttConnection connection, Func<string, bool> ackAtOnce)
    {
        _connection = connection;
        _ackAtOnce = ackAtOnce;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>SUBSCRIBE packets granted so far.</summary>
    public int Subscribes => Volatile.Read(ref _subscribes);

    public static async Task<RawMqttPeer> AcceptAsync(TcpListener listener, Func<string, bool> ackAtOnce, CancellationToken ct)
    {
        var socket = await listener.AcceptSocketAsync(ct);
        socket.NoDelay = true;
        var connection = MqttConnection.FromStream(new NetworkStream(socket, ownsSocket: true), MqttCodec.MaxRemainingLength);
        try
        {
            if (await connection.ReadAsync(ct) is not ConnectPacket connect)
            {
                throw new InvalidOperationException("the client's first packet was not CONNECT");
            }
            connection.Version = connect.ProtocolVersion;
            await connection.SendAsync(new ConnAckPacket { SessionPresent = false, ReasonCode = ReasonCodes.Success }, ct);
            return new RawMqttPeer(connection, ackAtOnce);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next <paramref name="count"/> held publishes, in arrival order.</summary>
    public async Task<List<PublishPacket>> TakeAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var result = new List<PublishPacket>(count);
        try
        {
            while (result.Count < count)
            {
                result.Add(await _held.Reader.ReadAsync(cts.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{result.Count} of {count} publishes arrived within {timeout.TotalSeconds:0} s");
        }
        return result;
    }

    public ValueTask AckAsync(PublishPacket publish) => _connection.SendAsync(new PubAckPacket(PacketType.PubAck, publish.PacketId));

    public ValueTask SendAsync(MqttPacket packet) => _connection.SendAsync(packet);

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _reader;
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _connection.ReadAsync(_connection.Closed) is { } packet)
            {
                switch (packet)
                {
                    case SubscribePacket subscribe:
                        var granted = new SubAckPacket { PacketId = subscribe.PacketId };
                        foreach (var s in subscribe.Subscriptions)
                        {
                            granted.ReasonCodes.Add((byte)s.Qos);
                        }
                        await _connection.SendAsync(granted);
                        Interlocked.Increment(ref _subscribes);
                        break;
                    case PingPacket { Type: PacketType.PingReq }:
                        await _connection.SendAsync(PingPacket.Response);
                        break;
                    case PublishPacket { Qos: 1 } publish when _ackAtOnce(publish.Topic):
                        await AckAsync(publish);
                        break;
                    case PublishPacket publish:
                        _held.Writer.TryWrite(publish);
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or MqttProtocolException)
        {
        }
        finally
        {
            _held.Writer.TryComplete();
        }
    }
}
