using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Integration;

public sealed class ScratchReconnect
{
    private sealed class Sink : IBrokerMessageSink
    {
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Seen = new();
        public async ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            await Task.Yield();
            if (message.Payload.Length == 4) Console.Error.WriteLine("DEBUG sink " + System.Text.Encoding.UTF8.GetString(message.Payload.Span));
            Seen.AddOrUpdate(System.Text.Encoding.UTF8.GetString(message.Payload.Span), 1, (_, n) => n + 1);
            return 0;
        }
    }

    [Fact]
    public async Task Scratch()
    {
        var port = FreePort.Next();
        var sink = new Sink();
        var broker = new MqttBroker(new BrokerOptions { Port = port }, sink: sink);
        await broker.StartAsync();
        await using var client = new MqttClient(new MqttClientOptions { Port = port, ClientId = "d1", CleanStart = false, SessionExpirySeconds = 600, ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(300) });
        await client.ConnectAsync();
        var window = new SemaphoreSlim(50);
        var pending = new List<Task>();
        var pub = Task.Run(async () =>
        {
            for (var i = 1; i <= 3000; i++)
            {
                await window.WaitAsync();
                pending.Add(client.PublishAsync("a/b", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ContinueWith(_ => window.Release(), TaskScheduler.Default));
            }
            await Task.WhenAll(pending);
        });
        await Wait.UntilAsync(() => sink.Seen.Count > 700, "some");
        await broker.DisposeAsync();
        await Task.Delay(500);
        broker = new MqttBroker(new BrokerOptions { Port = port }, sink: sink);
        await broker.StartAsync();
        try
        {
            await Wait.ForAsync(pub, "all", TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            var missing = string.Join(",", Enumerable.Range(1, 3000).Where(i => !sink.Seen.ContainsKey(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.Fail($"missing {missing} seen {sink.Seen.Count} inflight {client.InflightCount} connects {client.ConnectCount} connected {client.IsConnected}");
        }
        await broker.DisposeAsync();
    }
}
