using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class QosTests
{
    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Delivers_at_every_qos_in_order_downgraded_to_the_granted_qos(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", v);
        Assert.Equal([(byte)2], await sub.SubscribeAsync("q/#", 2));
        var pub = await h.ConnectAsync("pub", v);
        for (var qos = 0; qos <= 2; qos++)
        {
            await pub.PublishAsync($"q/{qos}", $"m{qos}", qos);
        }
        for (var qos = 0; qos <= 2; qos++)
        {
            var m = await BrokerHarness.NextAsync(sub);
            Assert.Equal($"q/{qos}", m.Topic);
            Assert.Equal($"m{qos}", BrokerHarness.Text(m));
            Assert.Equal(qos, m.Qos);
        }
        var low = await h.ConnectAsync("low", v);
        await low.SubscribeAsync("q/#", 1);
        await pub.PublishAsync("q/x", "two", 2);
        Assert.Equal(1, (await BrokerHarness.NextAsync(low)).Qos);
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Ten_thousand_qos1_messages_arrive_without_loss_or_duplicates(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", v);
        await sub.SubscribeAsync("load/+", 1);
        var pub = await h.ConnectAsync("pub", v);
        const int n = 10_000;
        var sends = new List<Task>(n);
        for (var i = 0; i < n; i++)
        {
            sends.Add(pub.PublishAsync("load/a", i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1));
        }
        await Task.WhenAll(sends);
        for (var i = 0; i < n; i++)
        {
            var m = await BrokerHarness.NextAsync(sub);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), BrokerHarness.Text(m));
        }
        Assert.True(await BrokerHarness.NothingAsync(sub));
    }
}
