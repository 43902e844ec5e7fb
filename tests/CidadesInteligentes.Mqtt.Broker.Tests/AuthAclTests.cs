using System.Net;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class AuthAclTests
{
    private sealed class Passwords : IBrokerAuthenticator
    {
        public ValueTask<byte> AuthenticateAsync(ConnectPacket connect, EndPoint? remote, CancellationToken ct) =>
            ValueTask.FromResult(connect.Username switch
            {
                "banned" => ReasonCodes.NotAuthorized,
                _ when connect.Password is { } p && System.Text.Encoding.UTF8.GetString(p) == "s3cret" => ReasonCodes.Success,
                _ => ReasonCodes.BadUserNameOrPassword,
            });
    }

    /// <summary>Devices may only publish under their own id and subscribe to their own commands.</summary>
    private sealed class OwnTopicsOnly : IBrokerAuthorizer
    {
        public bool CanPublish(BrokerClient client, string topic) => topic.Contains($"/{client.ClientId}/", StringComparison.Ordinal);

        public bool CanSubscribe(BrokerClient client, string filter) => filter.Contains($"/{client.ClientId}/", StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Authenticator_refusals_reach_the_client_with_their_reason(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync(auth: new Passwords());
        var wrong = await Assert.ThrowsAsync<MqttConnectException>(() => h.ConnectAsync("a", v, o => { o.Username = "dev"; o.Password = "nope"; }));
        Assert.Equal(ReasonCodes.BadUserNameOrPassword, wrong.ReasonCode);
        var banned = await Assert.ThrowsAsync<MqttConnectException>(() => h.ConnectAsync("b", v, o => { o.Username = "banned"; o.Password = "s3cret"; }));
        Assert.Equal(ReasonCodes.NotAuthorized, banned.ReasonCode);
        await h.ConnectAsync("c", v, o => { o.Username = "dev"; o.Password = "s3cret"; });
        Assert.Equal(2, h.Broker.Metrics.AuthFailures);
        Assert.Equal(["c"], h.Broker.ConnectedClients);
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Acl_refuses_foreign_subscriptions_and_drops_foreign_publishes(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync(acl: new OwnTopicsOnly());
        var lum = await h.ConnectAsync("lum-1", v);
        var codes = await lum.SubscribeAsync([new TopicSubscription("ci/v1/1/luminaire/lum-1/cmd", 1), new TopicSubscription("ci/v1/1/luminaire/lum-2/cmd", 1)]);
        Assert.Equal([(byte)1, v == MqttProtocolVersion.V500 ? ReasonCodes.NotAuthorized : (byte)0x80], codes);

        var other = await h.ConnectAsync("lum-2", v);
        if (v == MqttProtocolVersion.V500)
        {
            var e = await Assert.ThrowsAsync<MqttConnectException>(() => other.PublishAsync("ci/v1/1/luminaire/lum-1/cmd", "spoof", 1));
            Assert.Equal(ReasonCodes.NotAuthorized, e.ReasonCode);
        }
        else
        {
            await other.PublishAsync("ci/v1/1/luminaire/lum-1/cmd", "spoof", 1); // 3.1.1 has no negative PUBACK
        }
        Assert.True(await BrokerHarness.NothingAsync(lum));
        Assert.Equal(2, h.Broker.Metrics.AclDenials);
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Will_on_a_forbidden_topic_refuses_the_connection(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync(acl: new OwnTopicsOnly());
        var e = await Assert.ThrowsAsync<MqttConnectException>(() => h.ConnectAsync("lum-1", v, o => o.Will = new WillMessage { Topic = "ci/v1/1/luminaire/lum-9/status" }));
        Assert.Equal(ReasonCodes.NotAuthorized, e.ReasonCode);
    }
}
