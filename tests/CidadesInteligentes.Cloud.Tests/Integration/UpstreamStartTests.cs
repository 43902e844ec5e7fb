using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>
/// Real processes: the cloud started while its external broker is not reachable yet (after a power cut the cloud
/// machine often boots first), then Mosquitto started on the configured port.
/// </summary>
public sealed class UpstreamStartTests
{
    /// <summary>The cloud as a child process without waiting for <c>/healthz</c> 200 (it must be 503 first).</summary>
    private sealed class CloudNotWaited(string arguments, string directory) : ServerProcess("cloud", "dotnet", arguments, directory);

    private static async Task<(HttpStatusCode Status, string Body)> Health(HttpClient http)
    {
        using var response = await http.GetAsync("/healthz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cloud_started_before_its_broker_connects_once_the_broker_is_up_and_stores_qos1_telemetry()
    {
        var brokerPort = FreePort.Next();
        var httpPort = FreePort.Next();
        var dir = ServerProcess.CreateTempDirectory("cloud-upstream-late");
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllTextAsync(keys, "operator op-key-123456789012345 ops\n");
        var dll = Path.Combine(AppContext.BaseDirectory, "CidadesInteligentes.Cloud.dll");
        await using var cloud = new CloudNotWaited(string.Create(CultureInfo.InvariantCulture,
            $"\"{dll}\" --urls http://127.0.0.1:{httpPort} --Reports:Enabled false --Broker:Enabled false --Upstream:Host 127.0.0.1 --Upstream:Port {brokerPort} --Upstream:ClientId cloud-late --Upstream:SharedGroup ci-cloud --Storage:Directory \"{dir}\" --Api:KeysFile \"{keys}\""), dir);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };

        // no broker: the host runs, /healthz answers 503 "upstream not connected", and the log says why
        await cloud.WaitForPortAsync(httpPort, TimeSpan.FromSeconds(30));
        var (status, body) = await Health(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("upstream not connected", body, StringComparison.Ordinal);
        await Wait.UntilAsync(() => cloud.Output.Contains("not reachable yet (attempt 1", StringComparison.Ordinal), "the first failure logged as a warning");
        await Task.Delay(TimeSpan.FromSeconds(4)); // attempts at 0, 1 and 3 s (the next at 7 s)
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Health(http)).Status);
        Assert.DoesNotContain("(attempt 2", cloud.Output, StringComparison.Ordinal); // attempts 2–9 are Debug only
        Assert.False(cloud.HasExited, cloud.Output);

        // the broker comes up on the configured port: the cloud connects and subscribes by itself (backoff ≤ 30 s)
        await using var mosquitto = await MosquittoServer.StartAsync(port: brokerPort);
        await Wait.UntilAsync(async () => (await Health(http)).Status == HttpStatusCode.OK, "/healthz 200 once the broker is up", TimeSpan.FromSeconds(45));

        const string device = "sc-lum-000710";
        var commands = Channel.CreateUnbounded<MqttMessage>();
        await using var client = new MqttClient(new MqttClientOptions { Port = brokerPort, ClientId = device, Username = device, CleanStart = false, SessionExpirySeconds = 600 });
        await client.ConnectAsync();
        await client.SubscribeAsync(Payload.Topic(device, "cmd"));
        _ = Task.Run(async () =>
        {
            await foreach (var m in client.Messages.ReadAllAsync())
            {
                await commands.Writer.WriteAsync(m);
            }
        });
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        for (var seq = 1; seq <= 3; seq++)
        {
            await client.PublishAsync(Payload.Topic(device, "telemetry"), Payload.Luminaire(seq, start.AddSeconds(seq), seq), qos: 1);
        }
        try
        {
            await Wait.UntilAsync(() => StoredSeqs(dir, device).Count >= 3, "the device's QoS 1 telemetry stored", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; cloud: {cloud.Output}; mosquitto: {mosquitto.Output}", e);
        }
        Assert.Equal([1L, 2L, 3L], StoredSeqs(dir, device));

        // a command goes out through the (now connected) upstream client and reaches the device
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/api/devices/{device}/commands") { Content = JsonContent.Create(new { type = "requestStatus" }) };
        post.Headers.Authorization = new("Bearer", "op-key-123456789012345");
        using var sent = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        using var received = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var command = await commands.Reader.ReadAsync(received.Token);
        Assert.Contains("requestStatus", System.Text.Encoding.UTF8.GetString(command.Payload.Span), StringComparison.Ordinal);

        // the broker goes away: a command cannot be handed over, and the caller hears so (503), not a server error
        mosquitto.Kill();
        await Wait.UntilAsync(async () => (await Health(http)).Status == HttpStatusCode.ServiceUnavailable, "/healthz 503 once the broker is gone", TimeSpan.FromSeconds(30));
        using var again = new HttpRequestMessage(HttpMethod.Post, $"/api/devices/{device}/commands") { Content = JsonContent.Create(new { type = "requestStatus" }) };
        again.Headers.Authorization = new("Bearer", "op-key-123456789012345");
        using var refused = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("command not sent", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(cloud.HasExited, cloud.Output);
    }
}
