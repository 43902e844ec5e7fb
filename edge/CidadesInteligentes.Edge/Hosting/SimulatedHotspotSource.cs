using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>A healthy hotspot with a few clients and growing WAN counters (<c>--Hardware:Mode Simulated</c>).</summary>
internal sealed class SimulatedHotspotSource : IHotspotSource
{
    private long _rx;
    private long _tx;

    public Task ProbeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HotspotTelemetry> SampleAsync(bool runThroughput, CancellationToken cancellationToken)
    {
        _rx += 1_500_000;
        _tx += 300_000;
        return Task.FromResult(new HotspotTelemetry
        {
            BackhaulUp = true,
            LatencyMs = 18,
            LossPercent = 0,
            PortalOk = true,
            Clients = 3,
            UniqueClientsToday = 12,
            RxBytes = _rx,
            TxBytes = _tx,
        });
    }
}
