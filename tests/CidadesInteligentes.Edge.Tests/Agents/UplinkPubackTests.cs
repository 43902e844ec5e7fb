using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

/// <summary>
/// "Removed only after PUBACK" (telemetry contract), with the durable outbox and a broker stand-in
/// (<see cref="RawMqttPeer"/>): the first broker accepts the connection and the command subscription but never
/// acknowledges a publish; after the link drops, the second one acknowledges, one message at a time.
/// </summary>
public sealed class UplinkPubackTests : IDisposable
{
    private static readonly DeviceIdentity Identity = new("sc-wifi-puback", "3548906", DeviceKind.Hotspot, "2.0.0");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly string _dir = ServerProcess.CreateTempDirectory("uplink-puback");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_message_leaves_the_durable_outbox_only_when_its_puback_arrives_even_across_a_reconnect()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var outbox = new DurableOutboxAdapter(new DurableOutbox(new OutboxOptions(Path.Combine(_dir, "outbox")), TimeProvider.System));
        var agent = new HotspotAgent(Identity, outbox, null, time);
        Report(agent, time, 1);
        Report(agent, time, 2);
        await using var uplink = new Uplink(agent, new UplinkOptions("127.0.0.1", port, "secret-not-checked-here") { DrainPerSecond = 1000 });
        var start = uplink.StartAsync(CancellationToken.None);

        // First broker: CONNACK, SUBACK, PINGRESP, but no PUBACK at all (not even for the birth status).
        List<PublishPacket> unacknowledged;
        await using (var silent = await RawMqttPeer.AcceptAsync(listener, _ => false, CancellationToken.None))
        {
            await Wait.ForAsync(start, "connected and subscribed to commands", Timeout);
            Assert.Equal(1, silent.Subscribes);
            var first = Sequenced(await silent.TakeAsync(3, Timeout)); // birth status and the two reports
            Assert.Equal(["telemetry 1", "telemetry 2"], first.Select(Describe));
            Assert.All(first, p => Assert.Equal((1, false), (p.Qos, p.Dup)));

            // The uplink keeps working meanwhile: a requestStatus command is answered (cmd/ack and a telemetry
            // repeat go out), yet nothing it sent is removed, since no PUBACK came.
            await silent.SendAsync(new PublishPacket
            {
                Topic = Identity.Topic(TopicStream.Command),
                Payload = Encoding.UTF8.GetBytes($$"""{"v":1,"id":"status-1","ts":"{{time.GetUtcNow():O}}","type":"requestStatus"}"""),
            });
            var answer = Sequenced(await silent.TakeAsync(3, Timeout)); // cmd/ack, telemetry, the status asked for
            Assert.Equal(["cmd/ack 1", "telemetry 3"], answer.Select(Describe));
            unacknowledged = [.. first, .. answer];
            Assert.Equal(4, outbox.PendingCount);
            Assert.Equal(0, uplink.Published);
            Assert.Equal(4, uplink.InFlight);
            Assert.Equal([1L, 2L, 1L, 3L], outbox.Peek(10).Select(m => m.Seq));
        }

        // The link drops; the client reconnects to a broker that acknowledges, and resends what is in flight (DUP).
        // The status topic is acknowledged at once, each sequenced message only when the test says so.
        await using var acking = await RawMqttPeer.AcceptAsync(listener, topic => topic == Identity.Topic(TopicStream.Status), CancellationToken.None);
        var resent = await acking.TakeAsync(4, Timeout);
        Assert.Equal(unacknowledged.Select(Describe), resent.Select(Describe));
        Assert.All(resent, p => Assert.True(p.Dup, Describe(p) + " resent with DUP"));
        Assert.Equal(unacknowledged.Select(p => Encoding.UTF8.GetString(p.Payload.Span)), resent.Select(p => Encoding.UTF8.GetString(p.Payload.Span)));

        for (var i = 0; i < resent.Count; i++)
        {
            Assert.Equal(resent.Count - i, outbox.PendingCount); // delivered twice, acknowledged never: still held
            await acking.AckAsync(resent[i]);
            var acked = i + 1;
            await Wait.UntilAsync(() => outbox.PendingCount == resent.Count - acked && uplink.Published == acked, $"{Describe(resent[i])} removed after its PUBACK", Timeout);
        }
        Assert.Equal(0, outbox.PendingCount);
        Assert.True(outbox.LastSeq(OutboxStreams.Telemetry) == 3 && outbox.LastSeq(OutboxStreams.CommandAck) == 1);

        await uplink.StopAsync(TimeSpan.FromSeconds(2));
    }

    private static void Report(HotspotAgent agent, ManualTimeProvider time, int i)
    {
        time.Advance(TimeSpan.FromSeconds(60));
        agent.Report(time.GetUtcNow(), new HotspotTelemetry { BackhaulUp = true, PortalOk = true, Clients = i, UniqueClientsToday = i, RxBytes = i, TxBytes = i });
    }

    /// <summary>The publishes of the sequenced streams, in arrival order (status messages dropped).</summary>
    private static List<PublishPacket> Sequenced(List<PublishPacket> publishes) =>
        publishes.Where(p => p.Topic != Identity.Topic(TopicStream.Status)).ToList();

    private static string Describe(PublishPacket p)
    {
        var stream = p.Topic[(Identity.Topic(TopicStream.Status).Length - "status".Length)..];
        using var json = JsonDocument.Parse(p.Payload);
        return $"{stream} {json.RootElement.GetProperty("seq").GetInt64()}";
    }
}
