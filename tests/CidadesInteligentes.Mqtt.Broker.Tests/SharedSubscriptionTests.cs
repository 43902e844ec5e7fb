using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class SharedSubscriptionTests
{
    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Shared_subscription_spreads_messages_round_robin_over_members(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var a = await h.ConnectAsync("ingest-a", v);
        var b = await h.ConnectAsync("ingest-b", v);
        await a.SubscribeAsync("$share/cloud/ci/v1/#", 1);
        await b.SubscribeAsync("$share/cloud/ci/v1/#", 1);
        var pub = await h.ConnectAsync("dev", v);
        for (var i = 0; i < 10; i++)
        {
            await pub.PublishAsync("ci/v1/x", $"{i}", 1);
        }
        var got = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            got.Add(BrokerHarness.Text(await BrokerHarness.NextAsync(a)));
            got.Add(BrokerHarness.Text(await BrokerHarness.NextAsync(b)));
        }
        Assert.Equal(10, got.Distinct().Count());
        Assert.True(await BrokerHarness.NothingAsync(a));
        Assert.True(await BrokerHarness.NothingAsync(b));
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Group_members_that_leave_stop_receiving_and_the_rest_take_everything(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var a = await h.ConnectAsync("ingest-a", v);
        var b = await h.ConnectAsync("ingest-b", v, o => o.AutoReconnect = false);
        await a.SubscribeAsync("$share/cloud/ci/#", 1);
        await b.SubscribeAsync("$share/cloud/ci/#", 1);
        await b.DisconnectAsync();
        await Testing.Wait.UntilAsync(() => h.Broker.Metrics.Connected == 1, "b gone");
        var pub = await h.ConnectAsync("dev", v);
        for (var i = 0; i < 6; i++)
        {
            await pub.PublishAsync("ci/x", $"{i}", 1);
        }
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal($"{i}", BrokerHarness.Text(await BrokerHarness.NextAsync(a)));
        }
    }
}
