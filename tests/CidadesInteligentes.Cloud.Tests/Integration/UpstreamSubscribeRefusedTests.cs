using System.Net;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>
/// An external broker whose ACL refuses one of the cloud's subscriptions answers the SUBACK with 0x87 Not authorized.
/// The cloud took any SUBACK as success: <c>/healthz</c> said "connected and subscribed" while nothing of the refused
/// stream ever arrived. Now it is not ready, says which filter was refused and why, logs what to fix, and subscribes
/// again by itself once the broker allows it. (Mosquitto 2.0 grants every subscription and filters at delivery, so
/// this is the case of brokers that refuse at SUBSCRIBE; the upstream here is the project's own broker with an ACL.)
/// </summary>
public sealed class UpstreamSubscribeRefusedTests
{
    private sealed class RefuseEvents : IBrokerAuthorizer
    {
        public volatile bool Allow;

        public bool CanPublish(BrokerClient client, string topic) => true;

        public bool CanSubscribe(BrokerClient client, string filter) => Allow || !filter.EndsWith("/event", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_subscription_keeps_the_cloud_not_ready_with_the_reason_until_the_broker_allows_it()
    {
        var acl = new RefuseEvents();
        await using var upstream = new MqttBroker(new BrokerOptions { Port = 0 }, authorizer: acl);
        await upstream.StartAsync();
        await using var cloud = await CloudApp.StartAsync(null, "--Broker:Enabled", "false", "--Upstream:Host", "127.0.0.1",
            "--Upstream:Port", upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Upstream:ClientId", "cloud-acl", "--Upstream:SharedGroup", "ci-cloud");

        async Task<(HttpStatusCode Status, string Body)> Health()
        {
            using var response = await cloud.Http.GetAsync("/healthz");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        await Wait.UntilAsync(async () => (await Health()).Body.Contains("refused", StringComparison.Ordinal), "/healthz names the refused subscription");
        var (status, body) = await Health();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("upstream broker refused the subscription to $share/ci-cloud/ci/v1/+/+/+/event (0x87 not authorized)", body, StringComparison.Ordinal);
        Assert.DoesNotContain("telemetry (0x", body, StringComparison.Ordinal); // only the refused filter is named

        // the ACL is fixed on the broker: the cloud subscribes again by itself (backoff 1, 2, 4 … s) and is ready
        acl.Allow = true;
        await Wait.UntilAsync(async () => (await Health()).Status == HttpStatusCode.OK, "/healthz 200 once the broker allows the subscription", TimeSpan.FromSeconds(30));
        Assert.Contains("upstream connected and subscribed", (await Health()).Body, StringComparison.Ordinal);
    }
}
