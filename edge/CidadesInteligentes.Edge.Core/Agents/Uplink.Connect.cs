using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Core.Agents;

// The first connection. The MQTT client reconnects by itself only after a first successful connect, so until then
// the uplink retries: connection refused, an unknown host name (DNS), a timeout, a refused TLS certificate, a broker
// that refuses the device or answers something that is not MQTT. None of them stops the agent, which keeps queueing.
public sealed partial class Uplink
{
    /// <summary>A series of failed first connects logs its first failure and then every this many at Warning; the rest at Debug.</summary>
    internal const int ConnectWarningEvery = 10;

    /// <summary>Failed first-connect attempts so far (0 once connected).</summary>
    public int FailedConnectAttempts => Volatile.Read(ref _failedConnects);

    private int _failedConnects;

    /// <summary>
    /// Retries <see cref="Mqtt.Client.MqttClient.ConnectAsync"/> with capped exponential back-off (jittered, between
    /// <see cref="UplinkOptions.ReconnectMinDelay"/> and <see cref="UplinkOptions.ReconnectMaxDelay"/>) whatever the
    /// failure, until it succeeds or <paramref name="ct"/> fires (then <see cref="OperationCanceledException"/>).
    /// </summary>
    private async Task ConnectFirstAsync(CancellationToken ct)
    {
        var attempt = 0;
        while (true)
        {
            try
            {
                await _client.ConnectAsync(ct).ConfigureAwait(false);
                if (attempt > 0)
                {
                    UplinkLog.ConnectedAfter(_logger, _options.Host, _options.Port, attempt);
                }
                Volatile.Write(ref _failedConnects, 0);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                attempt++;
                Volatile.Write(ref _failedConnects, attempt);
                var delay = ConnectBackoff(attempt);
                LogConnectFailure(attempt, e, delay);
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is not OperationCanceledException and not OutOfMemoryException)
            {
                // stopped while an attempt was failing (e.g. a refused TLS handshake finishing after the stop): the
                // caller asked to stop, so it gets the cancellation, not the attempt's error
                throw new OperationCanceledException("the first connect was stopped", e, ct);
            }
        }
    }

    /// <summary>
    /// Subscribes to <c>.../cmd</c>. A connection lost before the SUBACK is reconnected by the client; the subscribe is
    /// then tried again (the client resends only subscriptions the broker acknowledged).
    /// </summary>
    private async Task SubscribeCommandsAsync(CancellationToken ct)
    {
        var delay = _options.ReconnectMinDelay;
        while (true)
        {
            try
            {
                await _client.SubscribeAsync(_commandTopic, 1, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is OperationCanceledException or InvalidOperationException or IOException)
            {
                UplinkLog.SubscribeFailed(_logger, _commandTopic, e.Message);
                await Task.Delay(delay, ct).ConfigureAwait(false);
                await _client.WaitConnectedAsync(ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
            }
        }
    }

    private void LogConnectFailure(int attempt, Exception e, TimeSpan delay)
    {
        var reason = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
        if (attempt != 1 && attempt % ConnectWarningEvery != 0)
        {
            UplinkLog.ConnectAttemptFailed(_logger, attempt, _options.Host, _options.Port, reason);
        }
        else if (_options.DescribeConnectFailure?.Invoke(e) is { } plain)
        {
            UplinkLog.ConnectFailedExplained(_logger, plain, attempt, delay);
        }
        else
        {
            UplinkLog.ConnectFailed(_logger, _options.Host, _options.Port, attempt, delay, reason);
        }
    }

    /// <summary>Exponential back-off from <see cref="UplinkOptions.ReconnectMinDelay"/>, capped, with jitter in its upper half (a fleet that lost power together does not reconnect together).</summary>
    private TimeSpan ConnectBackoff(int attempt)
    {
        var min = _options.ReconnectMinDelay.TotalMilliseconds;
        var cap = Math.Max(min, Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds, min * Math.Pow(2, Math.Min(attempt - 1, 20))));
        return TimeSpan.FromMilliseconds(Math.Max(min, (cap / 2) + (Random.Shared.NextDouble() * cap / 2)));
    }
}
