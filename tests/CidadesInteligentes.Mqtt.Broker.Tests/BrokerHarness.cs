using System.Net.Sockets;
using System.Text;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>An embedded broker on a free loopback port plus helpers to make clients of either protocol version.</summary>
public sealed class BrokerHarness : IAsyncDisposable
{
    private readonly List<MqttClient> _clients = [];

    private BrokerHarness(MqttBroker broker) => Broker = broker;

    public MqttBroker Broker { get; }

    public int Port => Broker.Port;

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    public static async Task<BrokerHarness> StartAsync(Action<BrokerOptions>? configure = null, IBrokerAuthenticator? auth = null, IBrokerAuthorizer? acl = null, IBrokerMessageSink? sink = null, ILogger? logger = null)
    {
        var options = new BrokerOptions { Port = 0 };
        configure?.Invoke(options);
        var broker = new MqttBroker(options, auth, acl, sink, logger);
        await broker.StartAsync();
        return new BrokerHarness(broker);
    }

    public MqttClientOptions Options(string clientId, MqttProtocolVersion version) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        ClientId = clientId,
        Version = version,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    public async Task<MqttClient> ConnectAsync(string clientId, MqttProtocolVersion version, Action<MqttClientOptions>? configure = null)
    {
        var options = Options(clientId, version);
        configure?.Invoke(options);
        var client = new MqttClient(options);
        _clients.Add(client);
        await client.ConnectAsync();
        return client;
    }

    public static async Task<MqttMessage> NextAsync(MqttClient client, double seconds = 5)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await client.Messages.ReadAsync(cts.Token);
    }

    /// <summary>True when no message arrives within <paramref name="milliseconds"/>.</summary>
    public static async Task<bool> NothingAsync(MqttClient client, int milliseconds = 300)
    {
        using var cts = new CancellationTokenSource(milliseconds);
        try
        {
            await client.Messages.ReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public static string Text(MqttMessage m) => Encoding.UTF8.GetString(m.Payload.Span);

    /// <summary>A raw TCP socket to the broker, for hostile-client tests.</summary>
    public async Task<Socket> RawAsync()
    {
        var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync("127.0.0.1", Port);
        return s;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients)
        {
            await c.DisposeAsync();
        }
        await Broker.DisposeAsync();
    }
}
