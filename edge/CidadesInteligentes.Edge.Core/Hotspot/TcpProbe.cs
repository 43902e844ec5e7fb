using System.Net.Sockets;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Backhaul probe: a TCP connect to every target in parallel; the connect time approximates one round trip.</summary>
public sealed class TcpProbe(TimeProvider timeProvider, TimeSpan timeout)
{
    public async Task<TcpProbeResult> RunAsync(IReadOnlyList<ProbeTarget> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var connects = new Task<double?>[targets.Count];
        for (var i = 0; i < connects.Length; i++)
        {
            connects[i] = ConnectAsync(targets[i], cancellationToken);
        }
        var reached = new List<double>(connects.Length);
        foreach (var time in await Task.WhenAll(connects).ConfigureAwait(false))
        {
            if (time is { } ms)
            {
                reached.Add(ms);
            }
        }
        return new TcpProbeResult(targets.Count, targets.Count - reached.Count, reached);
    }

    private async Task<double?> ConnectAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var client = new TcpClient();
        var started = timeProvider.GetTimestamp();
        try
        {
            await client.ConnectAsync(target.Host, target.Port, limit.Token).ConfigureAwait(false);
            return timeProvider.GetElapsedTime(started).TotalMilliseconds;
        }
        catch (SocketException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
