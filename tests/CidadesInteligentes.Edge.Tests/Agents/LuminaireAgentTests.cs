using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

public sealed class LuminaireAgentTests
{
    // São Carlos, 2026-11-22 (DimmingControllerTests): sunset 18:36:01 local → switch on 18:26:01; photocell window
    // 17:56:01–18:56:01 (onBelowLux 20). Default program steps: 22:00 → 70 %, 00:30 → 50 %, 05:00 → 100 %.

    [Fact]
    public void Switches_on_at_dusk_by_photocell_and_dims_by_program_steps()
    {
        using var kit = new AgentTestKit(AgentTestKit.Local(22, 12, 0));
        kit.Luminaire.AmbientLux = 5;
        Assert.False(kit.Agent.Step(kit.Time.GetUtcNow()).LampOn);
        Assert.False(kit.Luminaire.Relay.IsOn);

        // 17:50 is before the photocell window: a dark sky (5 lx) does not switch on.
        kit.Time.SetUtcNow(AgentTestKit.Local(22, 17, 50));
        Assert.False(kit.Agent.Step(kit.Time.GetUtcNow()).LampOn);

        // 18:00 is inside the window and 5 lx < 20 lx: on at 100 % (last step of the previous night, 05:00 → 100).
        kit.Time.SetUtcNow(AgentTestKit.Local(22, 18, 0));
        Assert.Equal(new DimmingDecision(true, 100, DecisionReasons.Photocell), kit.Agent.Step(kit.Time.GetUtcNow()));
        Assert.True(kit.Luminaire.Relay.IsOn);
        Assert.Equal(100, kit.Luminaire.Dimmer.LevelPercent);

        kit.Time.SetUtcNow(AgentTestKit.Local(22, 22, 30));
        Assert.Equal(70, kit.Agent.Step(kit.Time.GetUtcNow()).DimPercent);
        Assert.Equal(70, kit.Luminaire.Dimmer.LevelPercent);

        // The morning: off after sunrise + 10 min (05:29:29) once the sky is bright.
        kit.Luminaire.AmbientLux = 5000;
        kit.Time.SetUtcNow(AgentTestKit.Local(23, 6, 0));
        Assert.False(kit.Agent.Step(kit.Time.GetUtcNow()).LampOn);
        Assert.False(kit.Luminaire.Relay.IsOn);
        Assert.Empty(kit.Take<DeviceEvent>(OutboxStreams.Event));
    }

    [Fact]
    public void Telemetry_carries_cumulative_energy_and_burn_time_and_is_valid()
    {
        using var kit = new AgentTestKit(AgentTestKit.Local(22, 19, 0));
        kit.Agent.Step(kit.Time.GetUtcNow());
        // One hour at 100 % in 60 one-minute steps. Expected input power = 60 W × (0.1 + 0.9 × 1.0) = 60 W,
        // so the register gains 60 W × 1 h = 60 Wh and burnSeconds 3600.
        kit.Run(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));
        kit.Agent.Report(kit.Time.GetUtcNow());
        kit.Run(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1));
        kit.Agent.Report(kit.Time.GetUtcNow());

        var t = kit.Take<LuminaireTelemetry>(OutboxStreams.Telemetry);
        Assert.Equal(2, t.Count);
        Assert.Equal([1L, 2L], t.Select(x => x.Seq!.Value));
        Assert.Equal(AgentTestKit.Local(22, 20, 0), t[0].Ts);
        Assert.True(t[0].LampOn);
        Assert.Equal(100, t[0].DimPercent);
        Assert.InRange(t[0].PowerW!.Value, 59, 61);
        Assert.InRange(t[0].VoltageV!.Value, 219, 221);
        Assert.InRange(t[0].CurrentA!.Value, 0.26, 0.28); // 60 W / 220 V = 0.273 A
        Assert.InRange(t[0].EnergyWh!.Value, 59, 61);
        Assert.Equal(3600, t[0].BurnSeconds);
        Assert.Equal(3600, t[0].UptimeS);
        Assert.Equal(0, t[0].AmbientLux);
        // +30 min at 60 W → +30 Wh; burn +1800 s
        Assert.InRange(t[1].EnergyWh!.Value - t[0].EnergyWh!.Value, 29, 31);
        Assert.Equal(5400, t[1].BurnSeconds);
    }

    [Fact]
    public void Override_command_is_applied_acked_once_and_expires_back_to_the_program()
    {
        using var kit = new AgentTestKit(AgentTestKit.Local(22, 12, 0));
        kit.Luminaire.AmbientLux = 5000;
        kit.Agent.Step(kit.Time.GetUtcNow());
        var command = AgentTestKit.Command(CommandTypes.SetOverride, dim: 30, duration: 600);

        kit.Agent.HandleCommand(command);
        Assert.True(kit.Luminaire.Relay.IsOn); // applied at once, not at the next step
        Assert.Equal(30, kit.Luminaire.Dimmer.LevelPercent);
        Assert.Equal(DecisionReasons.Override, kit.Agent.LastDecision.Reason);

        // The cloud resends the same command (e.g. after a reconnect): acknowledged again, not executed again.
        kit.Time.Advance(TimeSpan.FromSeconds(30));
        kit.Agent.HandleCommand(command);
        var acks = kit.Take<CommandAck>(OutboxStreams.CommandAck);
        Assert.Equal(2, acks.Count);
        Assert.All(acks, a => Assert.Equal(command.Id, a.Id));
        Assert.All(acks, a => Assert.Equal(CommandResults.Ok, a.Result));
        Assert.Equal([1L, 2L], acks.Select(a => a.Seq!.Value));
        Assert.Equal("already handled", acks[1].Detail);
        Assert.Equal(kit.Time.GetUtcNow(), acks[1].Ts);

        // 600 s after it was set (12:10:00) the override ends and the daytime program switches the lamp off.
        kit.Time.SetUtcNow(AgentTestKit.Local(22, 12, 10));
        Assert.False(kit.Agent.Step(kit.Time.GetUtcNow()).LampOn);
        Assert.False(kit.Luminaire.Relay.IsOn);
    }

    [Fact]
    public void Rejected_and_expired_commands_are_acknowledged_with_their_result()
    {
        using var kit = new AgentTestKit(AgentTestKit.Local(22, 12, 0));
        kit.Agent.HandleCommand(AgentTestKit.Command(CommandTypes.SetOverride, dim: 130, duration: 600, id: "a"));
        var expired = AgentTestKit.Command(CommandTypes.ClearOverride, id: "b");
        expired.ExpiresAt = kit.Time.GetUtcNow().AddSeconds(-1);
        kit.Agent.HandleCommand(expired);
        var acks = kit.Take<CommandAck>(OutboxStreams.CommandAck);
        Assert.Equal([("a", CommandResults.Rejected), ("b", CommandResults.Expired)], acks.Select(a => (a.Id!, a.Result!)));
    }

    [Fact]
    public void Request_status_queues_telemetry_now_and_asks_for_the_status()
    {
        using var kit = new AgentTestKit(AgentTestKit.Local(22, 12, 0));
        var asked = 0;
        kit.Agent.StatusRequested += () => asked++;
        kit.Agent.Step(kit.Time.GetUtcNow());
        kit.Agent.HandleCommand(AgentTestKit.Command(CommandTypes.RequestStatus));
        Assert.Equal(1, asked);
        Assert.Single(kit.Take<CommandAck>(OutboxStreams.CommandAck));
        var t = Assert.Single(kit.Take<LuminaireTelemetry>(OutboxStreams.Telemetry));
        Assert.False(t.LampOn);
        Assert.Equal(0, t.PowerW);
    }

    [Fact]
    public void Lamp_failure_raises_one_event_and_clears_it_when_the_lamp_works_again()
    {
        using var kit = new AgentTestKit(AgentTestKit.Local(22, 20, 0));
        kit.Agent.Step(kit.Time.GetUtcNow());
        kit.Run(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1));
        Assert.Empty(kit.Take<DeviceEvent>(OutboxStreams.Event));

        // Dead LEDs: the driver draws 0.3 W standby instead of 60 W (< 10 % of expected) for 2 readings → raised once.
        kit.Luminaire.Faults = LuminaireFaults.LampFailure;
        kit.Run(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));
        var raised = Assert.Single(kit.Take<DeviceEvent>(OutboxStreams.Event));
        Assert.Equal(EventTypes.LampFailure, raised.Type);
        Assert.True(raised.Active);
        Assert.Contains(EventTypes.LampFailure, kit.Agent.ActiveFaults);

        kit.Luminaire.Faults = LuminaireFaults.None;
        kit.Run(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));
        var cleared = Assert.Single(kit.Take<DeviceEvent>(OutboxStreams.Event));
        Assert.Equal(EventTypes.LampFailure, cleared.Type);
        Assert.False(cleared.Active);
        Assert.Equal(2, cleared.Seq); // the event stream numbers its own seq
        Assert.Empty(kit.Agent.ActiveFaults);
    }
}
