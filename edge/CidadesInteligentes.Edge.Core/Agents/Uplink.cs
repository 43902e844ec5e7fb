using System.Globalization;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>
/// A device's MQTT connection (telemetry contract, Transport): client id = username = device id, password = its
/// secret, persistent session, retained <c>offline</c> Will and retained <c>online</c> birth on every connect.
/// Feeds <c>.../cmd</c> messages to the agent and drains the agent's outbox oldest first at a bounded rate,
/// acknowledging an outbox entry only after its PUBACK. <see cref="StopAsync"/> publishes <c>offline</c>/<c>shutdown</c>.
/// </summary>
public sealed partial class Uplink : IAsyncDisposable
{
    private readonly IDeviceAgent _agent;
    private readonly UplinkOptions _options;
    private readonly ILogger _logger;
    private readonly MqttClient _client;
    private readonly TokenBucket _bucket;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly string _statusTopic;
    private readonly string _commandTopic;
    private readonly CancellationTokenSource _stop = new();
    private Task? _drainLoop;
    private Task? _commandLoop;
    private int _inFlight;
    private long _lastHandedId;
    private bool _overflowActive;
    private OutboxDrops _droppedUnreported;
    private long _published;

    public Uplink(IDeviceAgent agent, UplinkOptions options, TimeProvider? rateClock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        _agent = agent;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _statusTopic = agent.Identity.Topic(TopicStream.Status);
        _commandTopic = agent.Identity.Topic(TopicStream.Command);
        _clock = rateClock ?? TimeProvider.System;
        _bucket = new TokenBucket(Math.Max(1, options.DrainBurst), options.DrainPerSecond, _clock);
        _client = new MqttClient(new MqttClientOptions
        {
            Host = options.Host,
            Port = options.Port,
            ClientId = agent.Identity.Id,
            Username = agent.Identity.Id,
            Password = options.Password,
            CleanStart = false,
            SessionExpirySeconds = options.SessionExpirySeconds,
            KeepAliveSeconds = options.KeepAliveSeconds,
            Tls = options.Tls,
            AutoReconnect = true,
            ReconnectMaxDelay = options.ReconnectMaxDelay,
            Will = new Mqtt.Packets.WillMessage
            {
                Topic = _statusTopic,
                Payload = """{"v":1,"state":"offline"}"""u8.ToArray(),
                Qos = 1,
                Retain = true,
            },
        }, logger);
        _client.Connected += sessionPresent => _ = PublishBirthAsync();
        // the client (same logger) already warns "MQTT connection to … lost" with the reason: once is enough
        _client.ConnectionLost += e => UplinkLog.ConnectionLost(_logger, e?.Message ?? "closed");
        agent.StatusRequested += () => _ = PublishBirthAsync();
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Outbox messages acknowledged by the broker since start.</summary>
    public long Published => Interlocked.Read(ref _published);

    public MqttClient Client => _client;

    /// <summary>
    /// Connects (retrying itself with capped back-off until it succeeds, <paramref name="ct"/> fires or the uplink is
    /// stopped: see <see cref="ConnectFirstAsync"/>), subscribes to commands and starts the loops. The agent keeps
    /// queueing into its outbox meanwhile; once connected the client reconnects by itself.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        await ConnectFirstAsync(linked.Token).ConfigureAwait(false);
        // The birth status goes out from the Connected event, on the first connect and on every reconnect.
        await SubscribeCommandsAsync(linked.Token).ConfigureAwait(false);
        _commandLoop = Task.Run(() => CommandLoopAsync(_stop.Token), CancellationToken.None);
        _drainLoop = Task.Run(() => DrainLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Wakes the drain loop now (after enqueuing), instead of at its next poll.</summary>
    public void Nudge() => _wake.Release();

    /// <summary>Waits up to <paramref name="drainTimeout"/> for in-flight publishes, publishes the clean-shutdown status and disconnects.</summary>
    public async Task StopAsync(TimeSpan drainTimeout, CancellationToken ct = default)
    {
        var until = DateTime.UtcNow + drainTimeout;
        while (_client.IsConnected && _agent.Outbox.PendingCount > 0 && DateTime.UtcNow < until && !ct.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                var status = _agent.Identity.Status("offline", _agent.Time.GetUtcNow(), "shutdown");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await _client.PublishAsync(_statusTopic, JsonSerializer.SerializeToUtf8Bytes(status, TelemetryJson.Default.DeviceStatus), 1, true, null, timeout.Token)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (MqttConnectException e)
            {
                // refused (a failure PUBACK, e.g. 0x80 while the cloud cannot store): the stop goes on, so the caller
                // still flushes the agent and the DISCONNECT still discards the Will
                UplinkLog.ShutdownStatusNotPublished(_logger, e.Message);
            }
            await _client.DisconnectAsync(withWill: false, CancellationToken.None).ConfigureAwait(false);
        }
        await WaitLoopsAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        await WaitLoopsAsync().ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task WaitLoopsAsync()
    {
        foreach (var t in new[] { _drainLoop, _commandLoop })
        {
            if (t is not null)
            {
                try
                {
                    await t.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private async Task PublishBirthAsync()
    {
        try
        {
            var status = _agent.Identity.Status("online", _agent.Time.GetUtcNow());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _client.PublishAsync(_statusTopic, JsonSerializer.SerializeToUtf8Bytes(status, TelemetryJson.Default.DeviceStatus), 1, true, null, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException or IOException or MqttConnectException)
        {
            UplinkLog.BirthNotPublished(_logger, e.Message);
        }
    }

    private async Task CommandLoopAsync(CancellationToken ct)
    {
        await foreach (var message in _client.Messages.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (!string.Equals(message.Topic, _commandTopic, StringComparison.Ordinal))
            {
                continue;
            }
            DeviceCommand? command;
            try
            {
                command = JsonSerializer.Deserialize(message.Payload.Span, TelemetryJson.Default.DeviceCommand);
            }
            catch (JsonException e)
            {
                UplinkLog.CommandNotJson(_logger, e.Message);
                continue;
            }
            if (command is null)
            {
                continue;
            }
            try
            {
                _agent.HandleCommand(command);
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
            {
                UplinkLog.CommandFailed(_logger, command.Id, e.Message);
            }
            Nudge();
        }
    }
}
