using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.FirmwareSim.Physics;

namespace CidadesInteligentes.FirmwareSim.Faults;

/// <summary>
/// Owns every failure process of a fleet, each with its own generator derived from the seed and the subject's
/// name, so a device fails at the same simulated moments in every run regardless of fleet size or order.
/// </summary>
public sealed class FailureInjector(FailureRates rates, long seed)
{
    private readonly Dictionary<string, OutageProcess> _processes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nonCompliant = new(StringComparer.Ordinal);

    public FailureRates Rates => rates;

    public OutageProcess BrokerOutage => Get("fleet/broker", rates.BrokerOutagePerDay, rates.BrokerOutageMin, rates.BrokerOutageMax);

    public IReadOnlyCollection<OutageProcess> All => _processes.Values;

    /// <summary>Marks a hotspot as the non-compliant point of its city.</summary>
    public void MarkNonCompliant(string hotspotId) => _nonCompliant.Add(hotspotId);

    public bool IsNonCompliant(string hotspotId) => _nonCompliant.Contains(hotspotId);

    public OutageProcess SupplyLoss(string circuitKey) => Get("circuit/" + circuitKey, rates.SupplyLossPerDay, rates.SupplyLossMin, rates.SupplyLossMax);

    public OutageProcess Link(string deviceId) => Get(deviceId + "/link", rates.LinkOutagePerDay, rates.LinkOutageMin, rates.LinkOutageMax);

    public OutageProcess LampFailure(string deviceId) => Get(deviceId + "/lamp", rates.LampFailurePerDay, rates.LampFailureMin, rates.LampFailureMax);

    public OutageProcess DayBurning(string deviceId) => Get(deviceId + "/dayBurning", rates.DayBurningPerDay, rates.DayBurningMin, rates.DayBurningMax);

    public OutageProcess Cycling(string deviceId) => Get(deviceId + "/cycling", rates.CyclingPerDay, rates.CyclingMin, rates.CyclingMax);

    public OutageProcess Backhaul(string hotspotId) => IsNonCompliant(hotspotId)
        ? Get(hotspotId + "/backhaul", rates.NonCompliantOutagesPerDay, rates.NonCompliantOutageMin, rates.NonCompliantOutageMax)
        : Get(hotspotId + "/backhaul", rates.BackhaulOutagePerDay, rates.BackhaulOutageMin, rates.BackhaulOutageMax);

    public OutageProcess Portal(string hotspotId) => Get(hotspotId + "/portal", rates.PortalOutagePerDay, rates.PortalOutageMin, rates.PortalOutageMax);

    /// <summary>The hardware faults of a luminaire in the step starting at <paramref name="now"/>.</summary>
    public LuminaireFaults StepLuminaire(string deviceId, string? circuitKey, DateTimeOffset now, TimeSpan step)
    {
        var faults = LuminaireFaults.None;
        if (LampFailure(deviceId).Step(now, step))
        {
            faults |= LuminaireFaults.LampFailure;
        }
        if (DayBurning(deviceId).Step(now, step))
        {
            faults |= LuminaireFaults.DayBurning;
        }
        if (Cycling(deviceId).Step(now, step))
        {
            faults |= LuminaireFaults.Cycling;
        }
        if (circuitKey is not null && SupplyLoss(circuitKey).Active)
        {
            faults |= LuminaireFaults.NoPower;
        }
        return faults;
    }

    private OutageProcess Get(string key, double rate, TimeSpan min, TimeSpan max)
    {
        if (!_processes.TryGetValue(key, out var p))
        {
            p = new OutageProcess(new SimRandom(seed, key), rate, min, max);
            _processes.Add(key, p);
        }
        return p;
    }
}
