using CidadesInteligentes.Mqtt.Client;

namespace CidadesInteligentes.Cloud.Broker;

/// <summary>
/// Redelivery of messages whose commit failed. They are not acknowledged, but MQTT resends an unacknowledged message
/// only after a reconnect, and each one holds one of the broker's in-flight slots (our Receive Maximum) until then:
/// with persistent store errors the slots fill and the instance silently stops receiving. The rule: once a message
/// of the current connection failed, the session is reconnected (same client id, no clean start, so the broker
/// redelivers) <see cref="FirstRedeliveryDelay"/> after that first failure; while failures go on the delay doubles
/// up to <see cref="MaxRedeliveryDelay"/>, and it starts again from the first once no reconnect has been needed for
/// twice that cap. It depends on time only, not on traffic (a full window brings no traffic), and a message that
/// always fails costs one reconnect per minute at most.
/// </summary>
internal sealed partial class UpstreamConsumer
{
    internal static readonly TimeSpan FirstRedeliveryDelay = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan MaxRedeliveryDelay = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RedeliveryCheckEvery = TimeSpan.FromMilliseconds(250);
    private readonly Lock _failedGate = new();
    private int _failedPending;
    private long _firstFailureAt;
    private long _lastRedeliveryAt = long.MinValue / 2;
    private int _redeliveryAttempt;

    /// <summary>A message of <paramref name="client"/> was not acknowledged (its commit failed).</summary>
    private void OnNotAcknowledged(MqttClient client)
    {
        if (!ReferenceEquals(client, _client))
        {
            return; // it came on a replaced connection: redelivered on the current one already
        }
        lock (_failedGate)
        {
            if (_failedPending++ == 0)
            {
                _firstFailureAt = Environment.TickCount64;
                if (_firstFailureAt - _lastRedeliveryAt > 2 * MaxRedeliveryDelay.TotalMilliseconds)
                {
                    _redeliveryAttempt = 0;
                }
            }
        }
    }

    internal static TimeSpan RedeliveryDelay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxRedeliveryDelay.TotalMilliseconds, FirstRedeliveryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16))));

    private async Task RedeliverAsync()
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(RedeliveryCheckEvery, token).ConfigureAwait(false);
                int failed;
                TimeSpan delay;
                lock (_failedGate)
                {
                    failed = _failedPending;
                    delay = RedeliveryDelay(_redeliveryAttempt);
                    if (failed == 0 || Environment.TickCount64 - _firstFailureAt < delay.TotalMilliseconds)
                    {
                        continue;
                    }
                    _failedPending = 0;
                    _lastRedeliveryAt = Environment.TickCount64;
                    _redeliveryAttempt++;
                }
                _ingestor.Counters.OnUpstreamRedeliveryReconnect();
                _log.LogWarning(
                    "Upstream: {Count} message(s) not acknowledged because their commit failed, the first {Seconds:0}s ago; reconnecting the session so {Host}:{Port} redelivers them (redelivery reconnect {Total})",
                    failed, delay.TotalSeconds, _settings.Upstream.Host, _settings.Upstream.Port, _ingestor.Counters.UpstreamRedeliveryReconnects);
                await ReconnectSessionAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Replaces the client by a new one on the same session: the old one disconnects normally (the session and its
    /// unacknowledged messages stay on the broker), the new one connects without clean start and gets them again.
    /// </summary>
    private async Task ReconnectSessionAsync(CancellationToken token)
    {
        var old = _client;
        var fresh = CreateClient();
        _subscribed = false;
        _client = fresh; // before disposing the old one, whose message channel then ends (see ReadAsync)
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await old.DisconnectAsync(ct: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogDebug("Upstream disconnect before redelivery: {Error}", e.Message);
        }
        await old.DisposeAsync().ConfigureAwait(false);
        for (var attempt = 0; !token.IsCancellationRequested; attempt++)
        {
            try
            {
                var connack = await fresh.ConnectAsync(token).ConfigureAwait(false);
                if (connack.SessionPresent)
                {
                    _subscribed = true;
                }
                else
                {
                    _ = SubscribeUntilDoneAsync(fresh);
                }
                return;
            }
            catch (Exception e) when (e is MqttConnectException or IOException or System.Net.Sockets.SocketException or TimeoutException
                                          || (e is OperationCanceledException && !token.IsCancellationRequested))
            {
                _log.LogWarning("Upstream reconnect for redelivery failed (attempt {Attempt}, still retrying): {Error}", attempt + 1, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(attempt, 8)))), token).ConfigureAwait(false);
            }
        }
    }
}
