using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Physics;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>A simulated pole: the real <see cref="LuminaireAgent"/> over a <see cref="SimulatedLuminaire"/>, behind a gated outbox.</summary>
public sealed class SimLuminaire(LuminaireSpec spec, LuminaireAgent agent, SimulatedLuminaire hardware, GatedOutbox outbox, SimRandom random,
    OutageProcess lamp, OutageProcess dayBurning, OutageProcess cycling, OutageProcess link, OutageProcess? supply, TimeSpan phase)
{
    public LuminaireSpec Spec => spec;

    public LuminaireAgent Agent => agent;

    public SimulatedLuminaire Hardware => hardware;

    public GatedOutbox Outbox => outbox;

    public Uplink? Uplink { get; set; }

    public DateTimeOffset NextReport { get; set; }

    public TimeSpan Phase => phase;

    /// <summary>One control-loop step at <paramref name="now"/>; returns whether a telemetry message was queued.</summary>
    public bool Step(DateTimeOffset now, TimeSpan step, double cityLux, bool brokerDown, TimeSpan interval)
    {
        var faults = LuminaireFaults.None;
        if (lamp.Step(now, step))
        {
            faults |= LuminaireFaults.LampFailure;
        }
        if (dayBurning.Step(now, step))
        {
            faults |= LuminaireFaults.DayBurning;
        }
        if (cycling.Step(now, step))
        {
            faults |= LuminaireFaults.Cycling;
        }
        var noPower = supply?.Active == true;
        if (noPower)
        {
            faults |= LuminaireFaults.NoPower;
        }
        var linkDown = link.Step(now, step);
        hardware.Faults = faults;
        // each photocell sees the city's sky with ±5 % of its own (dirt, shade); mains varies ±2 %
        hardware.AmbientLux = cityLux * (1 + (0.05 * Math.Clamp(random.NextGaussian(), -3, 3)));
        hardware.SupplyVoltageV = 220 * (1 + (0.01 * Math.Clamp(random.NextGaussian(), -2, 2)));
        // the modem is fed by the same circuit: without mains the pole is silent and catches up afterwards
        outbox.LinkUp = !linkDown && !brokerDown && !noPower;
        agent.Step(now);
        if (now >= NextReport)
        {
            agent.Report(now);
            NextReport += interval;
            while (NextReport <= now)
            {
                NextReport += interval;
            }
            return true;
        }
        return false;
    }
}

/// <summary>A simulated Wi-Fi point: the real <see cref="HotspotAgent"/> over a <see cref="SimulatedHotspotSource"/>.</summary>
public sealed class SimHotspot(HotspotSpec spec, HotspotAgent agent, SimulatedHotspotSource source, GatedOutbox outbox,
    OutageProcess backhaul, OutageProcess portal, OutageProcess link, TimeSpan phase)
{
    private int _reports;

    public HotspotSpec Spec => spec;

    public HotspotAgent Agent => agent;

    public SimulatedHotspotSource Source => source;

    public GatedOutbox Outbox => outbox;

    public Uplink? Uplink { get; set; }

    public DateTimeOffset NextReport { get; set; }

    public TimeSpan Phase => phase;

    public async Task<bool> StepAsync(DateTimeOffset now, TimeSpan step, bool brokerDown, TimeSpan interval, CancellationToken ct)
    {
        var backhaulDown = backhaul.Step(now, step);
        var portalDown = portal.Step(now, step);
        var linkDown = link.Step(now, step);
        source.Advance(now, step, !backhaulDown, !portalDown);
        // the management link is separate from the public backhaul (e.g. the operator's APN)
        outbox.LinkUp = !linkDown && !brokerDown;
        if (now < NextReport)
        {
            return false;
        }
        // a throughput test about once an hour
        var every = Math.Max(1, (int)Math.Round(TimeSpan.FromHours(1) / interval));
        await agent.ReportAsync(_reports++ % every == 0, ct).ConfigureAwait(false);
        NextReport += interval;
        while (NextReport <= now)
        {
            NextReport += interval;
        }
        return true;
    }
}
