using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.FirmwareSim.Physics;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>
/// A Wi-Fi point's radio, probes and WAN counters, advanced by the fleet every step: stations follow
/// <see cref="WifiUsage"/>, distinct visitors are counted per local day, traffic grows with the stations present,
/// and backhaul/portal outages come from the failure injector. The agent reads one interval's summary from it.
/// </summary>
public sealed class SimulatedHotspotSource(SimRandom random, TimeZoneInfo zone, double peakClients, double nominalDownMbps) : IHotspotSource
{
    private readonly Lock _gate = new();
    private int _clients;
    private int _uniqueToday;
    private DateOnly _day;
    private long _rx;
    private long _tx;
    private int _probes;
    private int _failedProbes;
    private readonly List<double> _latencies = [];

    public bool BackhaulUp { get; private set; } = true;

    public bool PortalOk { get; private set; } = true;

    public int Clients => _clients;

    public int UniqueClientsToday => _uniqueToday;

    /// <summary>One step of simulated life at <paramref name="now"/>.</summary>
    public void Advance(DateTimeOffset now, TimeSpan step, bool backhaulUp, bool portalOk)
    {
        lock (_gate)
        {
            var local = TimeZoneInfo.ConvertTime(now, zone);
            var day = DateOnly.FromDateTime(local.DateTime);
            if (day != _day)
            {
                _day = day;
                _uniqueToday = 0;
            }
            BackhaulUp = backhaulUp;
            PortalOk = portalOk;
            // without internet people leave: a quarter of the usual load stays associated
            var expected = WifiUsage.ExpectedClients(local.TimeOfDay.TotalHours, peakClients) * (backhaulUp ? 1 : 0.25);
            _clients = Math.Min(5000, random.Poisson(expected));
            _uniqueToday = Math.Min(100_000, _uniqueToday + random.Poisson(WifiUsage.ExpectedArrivals(_clients, step)));
            if (backhaulUp)
            {
                // ~0.3 Mbps down and 0.05 Mbps up on average per station
                _rx += (long)(_clients * 0.3e6 / 8 * step.TotalSeconds * random.Uniform(0.5, 1.5));
                _tx += (long)(_clients * 0.05e6 / 8 * step.TotalSeconds * random.Uniform(0.5, 1.5));
            }
            // one probe round per step
            _probes += 3;
            if (backhaulUp)
            {
                for (var i = 0; i < 3; i++)
                {
                    _latencies.Add(Math.Max(2, 28 + (8 * random.NextGaussian()) + (0.3 * _clients)));
                }
            }
            else
            {
                _failedProbes += 3;
            }
        }
    }

    public Task ProbeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HotspotTelemetry> SampleAsync(bool runThroughput, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var t = new HotspotTelemetry
            {
                BackhaulUp = BackhaulUp,
                PortalOk = PortalOk && BackhaulUp,
                Clients = _clients,
                UniqueClientsToday = _uniqueToday,
                RxBytes = _rx,
                TxBytes = _tx,
                LossPercent = _probes > 0 ? Math.Round(100.0 * _failedProbes / _probes, 1) : null,
                LatencyMs = _latencies.Count > 0 ? Math.Round(Median(_latencies), 1) : null,
            };
            if (runThroughput && BackhaulUp)
            {
                // shared with the stations present: each takes a little of the link
                var load = Math.Max(0.3, 1 - (_clients / (peakClients * 2.5)));
                t.DownMbps = Math.Round(Math.Max(0.5, nominalDownMbps * load * random.Uniform(0.8, 1.1)), 1);
                t.UpMbps = Math.Round(t.DownMbps.Value * random.Uniform(0.3, 0.5), 1);
            }
            _probes = 0;
            _failedProbes = 0;
            _latencies.Clear();
            return Task.FromResult(t);
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
