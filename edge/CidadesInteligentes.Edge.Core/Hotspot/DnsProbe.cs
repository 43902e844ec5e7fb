using System.Net;
using System.Net.Sockets;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Resolves a name through the system resolver (or an injected one) within a timeout.</summary>
public sealed class DnsProbe(TimeProvider timeProvider, TimeSpan timeout, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve = resolve ?? Dns.GetHostAddressesAsync;

    public async Task<DnsProbeResult> RunAsync(string hostName, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var started = timeProvider.GetTimestamp();
        try
        {
            var addresses = await _resolve(hostName, limit.Token).ConfigureAwait(false);
            var elapsed = timeProvider.GetElapsedTime(started).TotalMilliseconds;
            return new DnsProbeResult(addresses.Length > 0, elapsed, addresses.Length);
        }
        catch (SocketException)
        {
            return new DnsProbeResult(false, null, 0);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DnsProbeResult(false, null, 0);
        }
    }
}
