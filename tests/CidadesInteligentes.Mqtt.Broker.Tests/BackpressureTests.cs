using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>A congested subscriber pauses the publishers feeding it; nothing is lost and everything flows once it catches up.</summary>
public sealed class BackpressureTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_subscriber_that_stops_acknowledging_pauses_the_publisher_without_loss(MqttProtocolVersion v)
    {
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0, PublisherBackpressureQueue = 50, MaxInflightToClient = 10 });
        await broker.StartAsync();
        await using var sub = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "slow-sub", Version = v, ManualAcknowledge = true, ReceiveMaximum = 10 });
        await sub.ConnectAsync();
        await sub.SubscribeAsync("bp/#", 1);
        await using var pub = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "fast-pub", Version = v, MaxInflight = 100 });
        await pub.ConnectAsync();

        const int total = 500;
        var publishing = Task.WhenAll(Enumerable.Range(1, total).Select(i => pub.PublishAsync("bp/x", i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1)));
        // the subscriber holds its acknowledgements: its queue passes 50, the publisher is paused
        await Wait.UntilAsync(() => broker.Metrics.BackpressurePauses > 0, "publisher paused by back-pressure");
        Assert.False(publishing.IsCompleted, "publishes wait while the subscriber is congested");

        // now the subscriber reads and acknowledges everything: all 500 arrive in order, once
        var received = new List<int>();
        while (received.Count < total)
        {
            var m = await Wait.ForAsync(sub.Messages.ReadAsync().AsTask(), $"message {received.Count + 1}");
            received.Add(int.Parse(System.Text.Encoding.UTF8.GetString(m.Payload.Span), System.Globalization.CultureInfo.InvariantCulture));
            sub.Acknowledge(m);
        }
        await Wait.ForAsync(publishing, "every publish acknowledged");
        Assert.Equal(Enumerable.Range(1, total), received);
        Assert.Equal(0, broker.Metrics.MessagesDropped);
    }
}
