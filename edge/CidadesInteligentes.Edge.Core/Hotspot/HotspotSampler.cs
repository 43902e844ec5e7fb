using System.ComponentModel;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Builds one <see cref="HotspotTelemetry"/> per interval (telemetry contract, hotspot table). Backhaul probes run
/// several times per interval through <see cref="ProbeBackhaulAsync"/>; <see cref="SampleAsync"/> summarises them
/// (median latency, loss %), resolves the configured DNS names, reads stations, WAN counters and the portal, and
/// starts a new interval. <c>backhaulUp</c> needs a TCP target reached and, when names are configured, one of them
/// resolved; <see cref="BackhaulDownCause"/> says which failed. <c>seq</c> is left for the outbox to assign.
/// </summary>
public sealed class HotspotSampler(
    HotspotSamplerSettings settings,
    IStationSource stations,
    WanCounterReader wan,
    UniqueClientCounter uniqueClients,
    HotspotProbes probes,
    Func<long> uptimeSeconds,
    TimeProvider timeProvider)
{
    private const int MaxClients = 5000;
    private readonly object _gate = new();
    private readonly List<double> _latenciesMs = [];
    private int _attempts;
    private int _failures;
    private bool? _lastReached;
    private WanCounters _lastWan;
    private string? _backhaulDownCause;

    /// <summary>Why the last sample's backhaul was down (no TCP target, names not resolved), or null when it was up.</summary>
    public string? BackhaulDownCause
    {
        get { lock (_gate) { return _backhaulDownCause; } }
    }

    public async Task<TcpProbeResult> ProbeBackhaulAsync(CancellationToken cancellationToken)
    {
        var result = await probes.Backhaul.RunAsync(settings.BackhaulTargets, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _attempts += result.Attempts;
            _failures += result.Failures;
            _latenciesMs.AddRange(result.LatenciesMs);
            _lastReached = result.AnyReached;
        }
        return result;
    }

    public async Task<HotspotTelemetry> SampleAsync(bool runThroughput, CancellationToken cancellationToken)
    {
        if (_lastReached is null)
        {
            await ProbeBackhaulAsync(cancellationToken).ConfigureAwait(false);
        }
        var dns = probes.Dns is { } dnsProbe && settings.DnsNames is { Count: > 0 } names
            ? await dnsProbe.RunAllAsync(names, cancellationToken).ConfigureAwait(false)
            : (AnyResolved: true, Failed: (IReadOnlyList<string>)[]);
        var associated = await ReadAssociatedAsync(cancellationToken).ConfigureAwait(false);
        uniqueClients.Observe(associated);
        if (wan.TryRead(out var counters))
        {
            _lastWan = counters;
        }
        var portal = await probes.Portal.RunAsync(settings.PortalUrl, settings.PortalExpectedStatus, settings.PortalExpectedBodyContains, cancellationToken)
            .ConfigureAwait(false);
        ThroughputResult? throughput = null;
        if (runThroughput && settings.ThroughputDownloadUrl is { } download)
        {
            throughput = await probes.Throughput.RunAsync(download, settings.ThroughputUploadUrl, settings.ThroughputUploadBytes, cancellationToken)
                .ConfigureAwait(false);
        }
        var telemetry = new HotspotTelemetry
        {
            V = 1,
            Ts = timeProvider.GetUtcNow(),
            UptimeS = uptimeSeconds(),
            PortalOk = portal.Ok,
            Clients = Math.Min(associated.Count, MaxClients),
            UniqueClientsToday = uniqueClients.CountToday,
            RxBytes = _lastWan.RxBytes,
            TxBytes = _lastWan.TxBytes,
            DownMbps = throughput?.DownMbps,
            UpMbps = throughput?.UpMbps,
        };
        TakeBackhaulSummary(telemetry, dns.AnyResolved, dns.Failed);
        return telemetry;
    }

    /// <summary>Median of an interval's connect times: middle value, or mean of the two middle ones.</summary>
    internal static double? Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var sorted = new List<double>(values);
        sorted.Sort();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private void TakeBackhaulSummary(HotspotTelemetry telemetry, bool dnsResolved, IReadOnlyList<string> dnsFailed)
    {
        lock (_gate)
        {
            var reached = _lastReached ?? false;
            telemetry.BackhaulUp = reached && dnsResolved;
            _backhaulDownCause = (reached, dnsResolved) switch
            {
                (true, true) => null,
                (false, true) => "no probe target answered",
                (true, false) => "DNS did not resolve " + string.Join(", ", dnsFailed),
                (false, false) => "no probe target answered; DNS did not resolve " + string.Join(", ", dnsFailed),
            };
            telemetry.LatencyMs = Median(_latenciesMs) is { } median ? Math.Min(median, 60_000) : null;
            telemetry.LossPercent = _attempts > 0 ? 100.0 * _failures / _attempts : null;
            _latenciesMs.Clear();
            _attempts = 0;
            _failures = 0;
            _lastReached = null;
        }
    }

    private async Task<List<WifiStation>> ReadAssociatedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var all = await stations.ReadAsync(cancellationToken).ConfigureAwait(false);
            var associated = new List<WifiStation>(all.Count);
            foreach (var s in all)
            {
                if (s.Associated)
                {
                    associated.Add(s);
                }
            }
            return associated;
        }
        catch (InvalidOperationException)
        {
            return [];
        }
        catch (Win32Exception)
        {
            return []; // the station tool is not installed
        }
    }
}
