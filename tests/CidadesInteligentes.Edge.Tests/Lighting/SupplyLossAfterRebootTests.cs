using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Lighting;

/// <summary>
/// supplyLoss "after a reboot after power loss" (docs/domain.md): the luminaire agent keeps a run marker in its
/// state directory; a marker left by an earlier boot means the previous run never stopped cleanly.
/// </summary>
public sealed class SupplyLossAfterRebootTests : IDisposable
{
    private static readonly DeviceIdentity Identity = new("sc-lum-000123", "3548906", DeviceKind.Luminaire, "1.4.0");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "reboot-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero));
    private readonly SimulatedLuminaire _luminaire;

    public SupplyLossAfterRebootTests()
    {
        Directory.CreateDirectory(_dir);
        _luminaire = new SimulatedLuminaire(new LedPowerModel(60), new EnergyRegister(Path.Combine(_dir, "energy.wh")), _time);
    }

    private string Marker => Path.Combine(_dir, "agent.running");

    public void Dispose()
    {
        _luminaire.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Unclean_stop_in_an_earlier_boot_raises_exactly_one_supply_loss_then_clears_it()
    {
        var (first, _) = Start("boot-a");
        Run(first, 3);
        Assert.True(File.Exists(Marker));
        // power cut: no Flush

        var (agent, outbox) = Start("boot-b");
        Run(agent, 10);

        var events = SupplyLossEvents(outbox);
        Assert.Equal([true, false], events.Select(e => e.Active));
        Assert.Equal("restarted after a power loss", events[0].Detail);
        Assert.Equal("voltage 220 V", events[1].Detail);
        Assert.Empty(agent.ActiveFaults);
        Assert.Equal("boot-b", File.ReadAllText(Marker));
    }

    [Fact]
    public void Clean_stop_leaves_no_marker_and_the_next_start_raises_nothing()
    {
        var (first, _) = Start("boot-a");
        Run(first, 3);
        first.Flush();
        Assert.False(File.Exists(Marker));

        var (agent, outbox) = Start("boot-b");
        Run(agent, 10);
        Assert.Empty(SupplyLossEvents(outbox));
        Assert.True(File.Exists(Marker));
    }

    [Fact]
    public void Crash_and_restart_in_the_same_boot_is_not_a_supply_loss()
    {
        var (first, _) = Start("boot-a");
        Run(first, 3);

        var (agent, outbox) = Start("boot-a");
        Run(agent, 10);
        Assert.Empty(SupplyLossEvents(outbox));
    }

    [Fact]
    public void Without_a_marker_file_configured_nothing_is_written()
    {
        var outbox = new MemoryOutbox();
        var agent = new LuminaireAgent(new LuminaireAgentOptions(Identity, -22.0175, -47.8908, BootId: "boot-a"), Hardware(), outbox, Executor(), _time);
        Run(agent, 3);
        agent.Flush();
        Assert.Empty(SupplyLossEvents(outbox));
        Assert.False(File.Exists(Marker));
    }

    private (LuminaireAgent Agent, MemoryOutbox Outbox) Start(string bootId)
    {
        var outbox = new MemoryOutbox();
        var options = new LuminaireAgentOptions(Identity, -22.0175, -47.8908, RunMarkerFile: Marker, BootId: bootId);
        return (new LuminaireAgent(options, Hardware(), outbox, Executor(), _time), outbox);
    }

    private LuminaireHardware Hardware() => new(_luminaire.Dimmer, _luminaire.Relay, _luminaire.Meter, _luminaire.LightSensor);

    private CommandExecutor Executor() => new(
        new ProgramStore(Path.Combine(_dir, "program.json")),
        new OverrideStore(Path.Combine(_dir, "override.json")),
        new CommandIdStore(Path.Combine(_dir, "commands.json")),
        _time);

    private void Run(LuminaireAgent agent, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            agent.Step(_time.GetUtcNow());
        }
    }

    private static List<DeviceEvent> SupplyLossEvents(MemoryOutbox outbox) =>
    [
        .. outbox.Peek(1000)
            .Where(m => m.Stream == OutboxStreams.Event)
            .Select(m => System.Text.Json.JsonSerializer.Deserialize(m.Payload.Span, TelemetryJson.Default.DeviceEvent)!)
            .Where(e => e.Type == EventTypes.SupplyLoss),
    ];
}
