using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using CidadesInteligentes.Mqtt.Broker.Topics;
using CidadesInteligentes.Mqtt.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CidadesInteligentes.Mqtt.Broker;

/// <summary>
/// Embedded MQTT 3.1.1/5.0 broker: TCP and TLS listeners (the engine itself runs on any <see cref="MqttConnection"/>),
/// QoS 0/1/2, retained messages, wills with delay, persistent sessions with bounded queues, session takeover,
/// keep-alive enforcement, wildcards and shared subscriptions, 5.0 expiry, aliases and subscription identifiers,
/// and hooks for authentication, ACL and an in-process message sink.
/// </summary>
public sealed partial class MqttBroker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ClientHandler, byte> _handlers = new();
    private readonly Dictionary<string, BrokerMessage> _retained = new(StringComparer.Ordinal);
    private readonly SubscriptionTree _tree = new();
    private readonly Lock _connectGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _log;
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _acceptLoops = [];

    public MqttBroker(BrokerOptions options, IBrokerAuthenticator? authenticator = null, IBrokerAuthorizer? authorizer = null, IBrokerMessageSink? sink = null, ILogger? logger = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Authenticator = authenticator;
        Authorizer = authorizer;
        Sink = sink;
        _log = logger ?? NullLogger.Instance;
    }

    public BrokerOptions Options { get; }
    public BrokerMetrics Metrics { get; } = new();
    public IBrokerAuthenticator? Authenticator { get; }
    public IBrokerAuthorizer? Authorizer { get; }
    public IBrokerMessageSink? Sink { get; set; }

    /// <summary>The bound TCP port (after <see cref="StartAsync"/>), or -1.</summary>
    public int Port { get; private set; } = -1;
    public int TlsPort { get; private set; } = -1;
    public bool IsRunning { get; private set; }
    public int SessionCount => _sessions.Count;

    public int RetainedCount
    {
        get
        {
            lock (_retained)
            {
                return _retained.Count;
            }
        }
    }

    /// <summary>The topic filters a client's session is subscribed to (empty for an unknown client).</summary>
    public IReadOnlyList<string> SubscriptionsOf(string clientId)
    {
        if (!_sessions.TryGetValue(clientId, out var session))
        {
            return [];
        }
        lock (session.Gate)
        {
            return [.. session.Subscriptions.Keys];
        }
    }

    /// <summary>Client ids connected right now.</summary>
    public IReadOnlyList<string> ConnectedClients => _sessions.Values.Where(s => s.Handler is not null).Select(s => s.ClientId).ToList();

    public Task StartAsync(CancellationToken ct = default)
    {
        if (Options.Port >= 0)
        {
            Port = Listen(Options.Port, tls: false);
        }
        if (Options.TlsPort >= 0)
        {
            if (Options.TlsCertificate is null)
            {
                throw new InvalidOperationException("Broker TLS port is set but no certificate was given");
            }
            TlsPort = Listen(Options.TlsPort, tls: true);
        }
        IsRunning = true;
        _log.LogInformation("MQTT broker listening on {Address}:{Port} (TLS {TlsPort})", Options.Address, Port, TlsPort);
        return Task.CompletedTask;
    }

    private int Listen(int port, bool tls)
    {
        var listener = new TcpListener(Options.Address, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start(1024);
        _listeners.Add(listener);
        _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener, tls)));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync(TcpListener listener, bool tls)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            socket.NoDelay = true;
            _ = Task.Run(() => ServeSocketAsync(socket, tls, token), CancellationToken.None);
        }
    }

    private async Task ServeSocketAsync(Socket socket, bool tls, CancellationToken token)
    {
        var remote = socket.RemoteEndPoint;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(Options.ConnectTimeout);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Options.TlsCertificate }, timeout.Token).ConfigureAwait(false);
                stream = ssl;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log($"TLS handshake with {remote} failed: {e.Message}");
            await stream.DisposeAsync().ConfigureAwait(false);
            return;
        }
        var connection = MqttConnection.FromStream(stream, Options.MaxPacketSize, Options.MaxSendQueue);
        await RunConnectionAsync(connection, remote, token).ConfigureAwait(false);
    }

    /// <summary>Serves one already-open connection (TCP, TLS, in-memory pipe) until it closes.</summary>
    public async Task RunConnectionAsync(MqttConnection connection, EndPoint? remote, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.MaxIncomingPacketSize = Options.MaxPacketSize;
        var handler = new ClientHandler(this, connection, remote);
        _handlers[handler] = 0;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token);
        try
        {
            await handler.RunAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _handlers.TryRemove(handler, out _);
        }
    }

    /// <summary>Publishes a message from the server itself (e.g. a command to a device); routed like any other.</summary>
    public void Publish(BrokerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Route(message, publisherClientId: null);
    }

    internal void Log(string message) => _log.LogInformation("{Message}", message);

    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var l in _listeners)
        {
            l.Stop();
        }
        try
        {
            await Task.WhenAll(_acceptLoops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        IsRunning = false;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Metrics.Dispose();
        _stopping.Dispose();
    }
}
