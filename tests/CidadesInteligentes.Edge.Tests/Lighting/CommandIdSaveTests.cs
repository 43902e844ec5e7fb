using System.Collections.Concurrent;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Lighting;

/// <summary>
/// The list of executed command ids is saved after the command took effect; when the SD card refuses that save
/// (full, read-only) the command must still be acknowledged, and the list saved once the card takes it.
/// </summary>
public sealed class CommandIdSaveTests : IDisposable
{
    private static readonly DeviceIdentity Identity = new("sc-lum-000123", "3548906", DeviceKind.Luminaire, "1.4.0");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cmd-ids-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _log = new();
    private readonly SimulatedLuminaire _luminaire;

    public CommandIdSaveTests()
    {
        Directory.CreateDirectory(_dir);
        _luminaire = new SimulatedLuminaire(new LedPowerModel(60), new EnergyRegister(Path.Combine(_dir, "energy.wh")), _time);
    }

    private string IdsPath => Path.Combine(_dir, "commands.json");

    public void Dispose()
    {
        _luminaire.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_command_whose_id_list_the_card_refuses_is_acknowledged_and_the_list_saved_once_it_can_be()
    {
        var outbox = new MemoryOutbox();
        var executor = new CommandExecutor(
            new ProgramStore(Path.Combine(_dir, "program.json")),
            new OverrideStore(Path.Combine(_dir, "override.json")),
            new CommandIdStore(IdsPath, logger: new CapturingLogger(_log)),
            _time);
        var agent = new LuminaireAgent(new LuminaireAgentOptions(Identity, -22.0175, -47.8908),
            new LuminaireHardware(_luminaire.Dimmer, _luminaire.Relay, _luminaire.Meter, _luminaire.LightSensor), outbox, executor, _time);
        // The atomic save writes commands.json.tmp first: a directory in its place makes every save fail.
        var refusal = Directory.CreateDirectory(IdsPath + ".tmp");

        agent.HandleCommand(Command("cmd-1"));
        agent.HandleCommand(Command("cmd-1")); // redelivered: recognised from memory, not executed again

        var acks = Acks(outbox);
        Assert.Equal([("cmd-1", CommandResults.Ok, (string?)"30 % until 2026-11-22T23:10:00.0000000+00:00"), ("cmd-1", CommandResults.Ok, "already handled")],
            acks.Select(a => (a.Id, a.Result, a.Detail)));
        Assert.Equal(30, executor.Override!.DimPercent);
        Assert.Equal(30, _luminaire.Dimmer.LevelPercent);
        Assert.Single(_log, l => l.Level == LogLevel.Warning && l.Text.Contains("could not be saved", StringComparison.Ordinal));
        Assert.False(File.Exists(IdsPath));

        refusal.Delete();
        Step(agent, 59);
        Assert.False(File.Exists(IdsPath)); // retried once a minute, not at every step
        Step(agent, 1);
        Assert.True(new CommandIdStore(IdsPath).TryGetResult("cmd-1", out var result)); // a restarted agent would recognise it
        Assert.Equal(CommandResults.Ok, result);
        Assert.Single(_log, l => l.Level == LogLevel.Information && l.Text.Contains("saved again", StringComparison.Ordinal));
    }

    private DeviceCommand Command(string id) => new()
    {
        V = 1,
        Id = id,
        Ts = _time.GetUtcNow(),
        Type = CommandTypes.SetOverride,
        DimPercent = 30,
        DurationS = 600,
    };

    private void Step(LuminaireAgent agent, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            agent.Step(_time.GetUtcNow());
        }
    }

    private static List<CommandAck> Acks(MemoryOutbox outbox) =>
    [
        .. outbox.Peek(100)
            .Where(m => m.Stream == OutboxStreams.CommandAck)
            .Select(m => JsonSerializer.Deserialize(m.Payload.Span, TelemetryJson.Default.CommandAck)!),
    ];
}
