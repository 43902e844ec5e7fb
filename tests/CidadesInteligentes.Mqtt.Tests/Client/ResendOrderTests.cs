using System.Text;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// After a reconnect the client sends again what was in flight (DUP) before anything published since: QoS 1 and 2
/// messages keep the order they were published in (MQTT 5 §4.6). The resends used to be queued only after the gate was
/// released (and, since a replaced connection is disposed at reconnect, after waiting up to 2 s for that dispose), so
/// a publish made in that moment could reach the new link ahead of older messages. This test guards the order with a
/// publisher running through the reconnect; it did not catch the old window, which a full in-flight window usually
/// closes (new publishes then wait for acknowledgements of the resent ones).
/// </summary>
public sealed class ResendOrderTests
{
    [Fact]
    public async Task Messages_published_while_reconnecting_go_out_after_the_resent_ones_in_call_order()
    {
        using var server = new ScriptedServer();
        await using var client = new MqttClient(server.ClientOptions("resend-order"));
        var connecting = client.ConnectAsync();
        var first = await server.AcceptAsync();
        await connecting;

        // one publisher, calls in a known order, going on through the reconnect; nothing is acknowledged on the first link
        var stop = false;
        var published = 0;
        var publishing = Task.Run(async () =>
        {
            while (!Volatile.Read(ref stop))
            {
                _ = client.PublishAsync("ci/v1/3548906/luminaire/sc-lum-000001/telemetry", published.ToString(System.Globalization.CultureInfo.InvariantCulture));
                published++;
                await Task.Yield();
            }
        });
        for (var read = 0; read < 50; read++)
        {
            await ScriptedServer.ReadAsync<PublishPacket>(first);
        }
        await first.DisposeAsync(); // the link drops while the publisher goes on

        await using var second = await server.AcceptAsync(sessionPresent: true);
        var order = new List<int>();
        async Task ReadAsync()
        {
            var p = await ScriptedServer.ReadAsync<PublishPacket>(second);
            order.Add(int.Parse(Encoding.UTF8.GetString(p.Payload.Span), System.Globalization.CultureInfo.InvariantCulture));
            await second.SendAsync(new PubAckPacket(PacketType.PubAck, p.PacketId)); // frees the client's window
        }
        for (var read = 0; read < 500; read++)
        {
            await ReadAsync();
        }
        Volatile.Write(ref stop, true);
        await Wait.ForAsync(publishing, "the publisher stopped", ScriptedServer.Limit);
        while (order.Count < published)
        {
            await ReadAsync();
        }
        // the second link carries every message exactly once, in the order they were published
        Assert.Equal(Enumerable.Range(0, published), order);
    }
}
