using System.Threading.Channels;
using CidadesInteligentes.Cloud.Commands;
using CidadesInteligentes.Cloud.Hosting;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Cloud.Broker;

/// <summary>
/// Consumes device messages from an external broker (e.g. Mosquitto) through a <c>$share</c> group, so several cloud
/// instances split the load. Persistent session, QoS 1, and each message is acknowledged only after the ingestor
/// stored it (manual acknowledgement, in order of receipt). Commands to devices are published through the same client.
/// Messages whose commit failed are redelivered by reconnecting the session (see UpstreamConsumer.Redelivery.cs).
/// </summary>
internal sealed partial class UpstreamConsumer : IHostedService, ICommandPublisher, IAsyncDisposable
{
    private static readonly string[] Streams = ["telemetry", "event", "status", "cmd/ack"];
    private volatile MqttClient _client;
    private readonly Ingestor _ingestor;
    private readonly CloudSettings _settings;
    private readonly ILogger<UpstreamConsumer> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(MqttClient Client, MqttMessage Message, Task<byte> Stored)> _acks = Channel.CreateBounded<(MqttClient, MqttMessage, Task<byte>)>(20_000);
    private Task? _read;
    private Task? _ack;
    private Task? _redeliver;
    private Task? _connect;
    private volatile bool _subscribed;
    private volatile string? _subscribeProblem;

    public UpstreamConsumer(CloudSettings settings, Ingestor ingestor, ILogger<UpstreamConsumer> log)
    {
        _settings = settings;
        _ingestor = ingestor;
        _log = log;
        _client = CreateClient();
    }

    /// <summary>A client for the same persistent session (same client id, no clean start).</summary>
    private MqttClient CreateClient()
    {
        var u = _settings.Upstream;
        var client = new MqttClient(new MqttClientOptions
        {
            Host = u.Host!,
            Port = u.Port,
            ClientId = u.ClientId,
            Username = u.Username,
            Password = u.Password,
            Version = MqttProtocolVersion.V500,
            CleanStart = false,
            SessionExpirySeconds = 7 * 86_400,
            KeepAliveSeconds = 30,
            ManualAcknowledge = true,
            ReceiveMaximum = 4096,
        });
        client.Connected += present =>
        {
            if (!present)
            {
                _ = SubscribeUntilDoneAsync(client);
            }
        };
        return client;
    }

    public bool IsReady => _client.IsConnected && _subscribed;

    /// <summary>Why the cloud is not subscribed although connected (the broker refused a filter), else null.</summary>
    public string? SubscribeProblem => _subscribeProblem;

    public long Received { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _read = Task.Run(ReadAsync, CancellationToken.None);
        _ack = Task.Run(AckAsync, CancellationToken.None);
        _redeliver = Task.Run(RedeliverAsync, CancellationToken.None);
        // the client reconnects by itself only after a first successful connect, and after a power cut the broker
        // may boot later than the cloud: the first connect is retried in the background (UpstreamConsumer.Start.cs)
        _connect = Task.Run(ConnectFirstAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Subscribes the shared group to every device stream; false when the broker could not be asked or refused any
    /// filter (a SUBACK code ≥ 0x80, e.g. 0x87 Not authorized from an ACL): nothing of a refused stream would reach the
    /// cloud, so it is not ready, <c>/healthz</c> names the refusal and the subscribe is retried.
    /// </summary>
    private async Task<bool> SubscribeAsync(MqttClient client, int attempt = 1)
    {
        try
        {
            var subs = Streams.Select(s => new TopicSubscription($"$share/{_settings.Upstream.SharedGroup}/ci/v1/+/+/+/{s}", 1)).ToList();
            var codes = await client.SubscribeAsync(subs, ct: _stop.Token).ConfigureAwait(false);
            var refused = new List<string>();
            for (var i = 0; i < subs.Count; i++)
            {
                var code = i < codes.Count ? codes[i] : ReasonCodes.UnspecifiedError;
                if (code >= 0x80)
                {
                    refused.Add($"{subs[i].Filter} (0x{code:X2} {ReasonCodes.Describe(code)})");
                }
            }
            if (refused.Count > 0)
            {
                _subscribed = false;
                _subscribeProblem = "upstream broker refused the subscription to " + string.Join(", ", refused);
                if (attempt == 1 || attempt % ConnectWarningEvery == 0)
                {
                    _log.LogError("The {Problem}: nothing of those streams reaches the cloud. Give the cloud's login ({User}) read access to them in the broker's ACL (docs/operations.md); retrying every {Seconds:0} s at most",
                        _subscribeProblem, _settings.Upstream.Username ?? "anonymous", FirstConnectMaxDelay.TotalSeconds);
                }
                return false;
            }
            _subscribeProblem = null;
            _subscribed = true;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("Subscribing on the upstream broker failed: {Error}", e.Message);
            return false;
        }
    }

    /// <summary>Subscribes after a reconnect without a session, retrying a refusal while this client is the current one and connected.</summary>
    private async Task SubscribeUntilDoneAsync(MqttClient client)
    {
        try
        {
            for (var attempt = 1; !_stop.IsCancellationRequested && ReferenceEquals(client, _client) && client.IsConnected; attempt++)
            {
                if (await SubscribeAsync(client, attempt).ConfigureAwait(false))
                {
                    return;
                }
                await Task.Delay(FirstConnectDelay(attempt), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = _client;
                await foreach (var m in client.Messages.ReadAllAsync(_stop.Token).ConfigureAwait(false))
                {
                    Received++;
                    // no identity: an external broker does not say which login published, so its ACL enforces the
                    // contract's access rule (Mosquitto: cloud/deploy/mosquitto, docs/operations.md)
                    var stored = _ingestor.IngestAsync(null, "upstream", m.Topic, m.Payload, _stop.Token).AsTask();
                    await _acks.Writer.WriteAsync((client, m, stored), _stop.Token).ConfigureAwait(false);
                }
                // the client's messages end when it is replaced by a redelivery reconnect: go on with the new one
                if (ReferenceEquals(client, _client))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        _acks.Writer.TryComplete();
    }

    private async Task AckAsync()
    {
        await foreach (var (client, m, stored) in _acks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            byte reason;
            try
            {
                reason = await stored.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reason = ReasonCodes.UnspecifiedError;
            }
            if (reason < 0x80)
            {
                // a message of a replaced connection is not acknowledged here: the broker redelivers it, a duplicate
                client.Acknowledge(m);
            }
            else
            {
                OnNotAcknowledged(client);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_read is not null)
        {
            await _read.ConfigureAwait(false);
        }
        if (_ack is not null)
        {
            await _ack.ConfigureAwait(false);
        }
        if (_redeliver is not null)
        {
            await _redeliver.ConfigureAwait(false);
        }
        if (_connect is not null)
        {
            await _connect.ConfigureAwait(false);
        }
        try
        {
            await _client.DisconnectAsync(ct: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogDebug("Upstream disconnect: {Error}", e.Message);
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _client.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
