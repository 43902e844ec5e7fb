using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>A bare framed connection for tests that need packet-level control (no auto-ack, aliases, silence).</summary>
public static class RawClient
{
    public static async Task<(MqttConnection Connection, ConnAckPacket Ack)> ConnectAsync(int port, string clientId, MqttProtocolVersion v, ushort keepAlive = 0, MqttProperties? properties = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var c = await MqttConnection.ConnectTcpAsync("127.0.0.1", port, null, 1 << 20, cts.Token);
        c.Version = v;
        await c.SendAsync(new ConnectPacket { ProtocolVersion = v, ClientId = clientId, CleanStart = true, KeepAliveSeconds = keepAlive, Properties = v == MqttProtocolVersion.V500 ? properties : null }, cts.Token);
        var ack = Assert.IsType<ConnAckPacket>(await c.ReadAsync(cts.Token));
        return (c, ack);
    }

    public static async Task<MqttPacket?> ReadAsync(MqttConnection c, int milliseconds = 5000)
    {
        using var cts = new CancellationTokenSource(milliseconds);
        return await c.ReadAsync(cts.Token);
    }

    /// <summary>Null when nothing arrives within the time.</summary>
    public static async Task<MqttPacket?> MaybeReadAsync(MqttConnection c, int milliseconds = 300)
    {
        try
        {
            return await ReadAsync(c, milliseconds);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
