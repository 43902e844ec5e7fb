using CidadesInteligentes.Cloud.Commands;

namespace CidadesInteligentes.Cloud.Broker;

/// <summary>
/// Commands to devices go out through the current client. While it is not connected (broker not reachable yet, or the
/// client being replaced by a redelivery reconnect) a command waits up to <see cref="PublishWaitForConnection"/>; a
/// publish cut short because its client was replaced is retried once on the new one. Otherwise the caller gets a
/// <see cref="CommandNotSentException"/>, never an <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed partial class UpstreamConsumer
{
    internal static readonly TimeSpan PublishWaitForConnection = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PublishPollEvery = TimeSpan.FromMilliseconds(50);

    public async Task PublishAsync(string topic, byte[] payload, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var client = await ConnectedClientAsync(ct).ConfigureAwait(false);
            try
            {
                await client.PublishAsync(topic, payload, qos: 1, ct: ct).ConfigureAwait(false);
                return;
            }
            catch (ObjectDisposedException) when (attempt == 1 && !ReferenceEquals(client, _client) && !_stop.IsCancellationRequested)
            {
                _log.LogDebug("Upstream client replaced while publishing on {Topic}: publishing again on the new one", topic);
            }
            catch (ObjectDisposedException e)
            {
                throw new CommandNotSentException($"the connection to the upstream broker {_settings.Upstream.Host}:{_settings.Upstream.Port} was closed while sending; retry later", e);
            }
        }
    }

    private async Task<Mqtt.Client.MqttClient> ConnectedClientAsync(CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var client = _client;
            if (client.IsConnected)
            {
                return client;
            }
            if (waited.Elapsed >= PublishWaitForConnection || _stop.IsCancellationRequested)
            {
                throw new CommandNotSentException(
                    $"the upstream broker {_settings.Upstream.Host}:{_settings.Upstream.Port} is not connected (waited {PublishWaitForConnection.TotalSeconds:0} s); retry later");
            }
            await Task.Delay(PublishPollEvery, ct).ConfigureAwait(false);
        }
    }
}
