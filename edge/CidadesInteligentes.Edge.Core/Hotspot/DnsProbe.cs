using System.Net;
using System.Net.Sockets;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Resolves a name through the system resolver (or an injected one) within a timeout. <c>invalid</c> and
/// <c>*.invalid</c> fail at once without a query (RFC 6761 §6.4; the .NET 10 resolver still forwards them).
/// </summary>
public sealed class DnsProbe(TimeProvider timeProvider, TimeSpan timeout, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve = resolve ?? Dns.GetHostAddressesAsync;

    public async Task<DnsProbeResult> RunAsync(string hostName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        if (IsReservedInvalid(hostName))
        {
            return new DnsProbeResult(false, null, 0);
        }
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

    /// <summary>Resolves every name in parallel; the resolver works when any of them resolved (true when none are configured).</summary>
    public async Task<(bool AnyResolved, IReadOnlyList<string> Failed)> RunAllAsync(IReadOnlyList<string> hostNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        var lookups = new Task<DnsProbeResult>[hostNames.Count];
        for (var i = 0; i < lookups.Length; i++)
        {
            lookups[i] = RunAsync(hostNames[i], cancellationToken);
        }
        var results = await Task.WhenAll(lookups).ConfigureAwait(false);
        var failed = new List<string>();
        for (var i = 0; i < results.Length; i++)
        {
            if (!results[i].Resolved)
            {
                failed.Add(hostNames[i]);
            }
        }
        return (hostNames.Count == 0 || failed.Count < hostNames.Count, failed);
    }

    internal static bool IsReservedInvalid(string hostName)
    {
        var name = hostName.TrimEnd('.');
        return name.Equals("invalid", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase);
    }
}
