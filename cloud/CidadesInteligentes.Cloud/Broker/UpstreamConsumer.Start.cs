using CidadesInteligentes.Mqtt.Client;

namespace CidadesInteligentes.Cloud.Broker;

/// <summary>
/// The first connect. The client reconnects by itself only after a first successful connect, and after a power cut
/// the cloud machine often boots before the broker: so the first connect and subscribe are retried in the background,
/// waiting <see cref="FirstConnectMinDelay"/> after the first failure and doubling up to <see cref="FirstConnectMaxDelay"/>,
/// until subscribed or the cloud stops. The first failure and every <see cref="ConnectWarningEvery"/>th are warnings
/// with the reason; <c>/healthz</c> says 503 "upstream not connected" until subscribed.
/// </summary>
internal sealed partial class UpstreamConsumer
{
    internal static readonly TimeSpan FirstConnectMinDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan FirstConnectMaxDelay = TimeSpan.FromSeconds(30);
    internal const int ConnectWarningEvery = 10;

    /// <summary>The wait after the <paramref name="failures"/>th failed attempt (1 s, 2 s, 4 s … 30 s).</summary>
    internal static TimeSpan FirstConnectDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(FirstConnectMaxDelay.TotalMilliseconds, FirstConnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 16))));

    private async Task ConnectFirstAsync()
    {
        var token = _stop.Token;
        var client = _client;
        var connected = false;
        try
        {
            for (var attempt = 1; !token.IsCancellationRequested; attempt++)
            {
                try
                {
                    if (!connected)
                    {
                        var connack = await client.ConnectAsync(token).ConfigureAwait(false);
                        connected = true; // from here on the client reconnects by itself: only the subscribe is retried
                        if (connack.SessionPresent)
                        {
                            _subscribed = true;
                        }
                    }
                    else
                    {
                        await client.WaitConnectedAsync(token).ConfigureAwait(false);
                    }
                    if (!ReferenceEquals(client, _client) || _subscribed || await SubscribeAsync(client, attempt).ConfigureAwait(false))
                    {
                        Console.WriteLine($"Upstream broker: {_settings.Upstream.Host}:{_settings.Upstream.Port} (shared group {_settings.Upstream.SharedGroup})");
                        if (attempt > 1)
                        {
                            _log.LogInformation("Upstream broker {Host}:{Port} connected and subscribed after {Attempts} attempt(s)", _settings.Upstream.Host, _settings.Upstream.Port, attempt);
                        }
                        return;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException && !token.IsCancellationRequested)
                {
                    LogConnectFailure(attempt, e);
                }
                await Task.Delay(FirstConnectDelay(attempt), token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private void LogConnectFailure(int attempt, Exception e)
    {
        var reason = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
        if (attempt == 1 || attempt % ConnectWarningEvery == 0)
        {
            _log.LogWarning("Upstream broker {Host}:{Port} not reachable yet (attempt {Attempt}, still retrying every {Seconds:0} s at most): {Error}",
                _settings.Upstream.Host, _settings.Upstream.Port, attempt, FirstConnectMaxDelay.TotalSeconds, reason);
        }
        else
        {
            _log.LogDebug("Upstream connect attempt {Attempt} failed: {Error}", attempt, reason);
        }
    }
}
