using System.Text.Json;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

/// <summary>A São Carlos luminaire on a manual clock with simulated hardware and an in-memory outbox.</summary>
internal sealed class AgentTestKit : IDisposable
{
    public const double Lat = -22.0175;
    public const double Lon = -47.8908;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agent-" + Guid.NewGuid().ToString("N"));

    public AgentTestKit(DateTimeOffset start)
    {
        Directory.CreateDirectory(_dir);
        Time = new ManualTimeProvider(start);
        Luminaire = new SimulatedLuminaire(new LedPowerModel(60), new EnergyRegister(Path.Combine(_dir, "energy.wh")), Time);
        Executor = new CommandExecutor(
            new ProgramStore(Path.Combine(_dir, "program.json")),
            new OverrideStore(Path.Combine(_dir, "override.json")),
            new CommandIdStore(Path.Combine(_dir, "commands.json")),
            Time);
        Agent = new LuminaireAgent(
            new LuminaireAgentOptions(Identity, Lat, Lon, 60, TimeSpan.FromSeconds(60), Path.Combine(_dir, "burn.seconds")),
            new LuminaireHardware(Luminaire.Dimmer, Luminaire.Relay, Luminaire.Meter, Luminaire.LightSensor),
            Outbox, Executor, Time);
    }

    public static DeviceIdentity Identity { get; } = new("sc-lum-000123", "3548906", DeviceKind.Luminaire, "1.4.0");

    public ManualTimeProvider Time { get; }

    public SimulatedLuminaire Luminaire { get; }

    public CommandExecutor Executor { get; }

    public MemoryOutbox Outbox { get; } = new();

    public LuminaireAgent Agent { get; }

    public static DateTimeOffset Local(int day, int hour, int minute) => new(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(-3));

    /// <summary>Advances the clock in steps, running the control loop at each.</summary>
    public void Run(TimeSpan duration, TimeSpan step)
    {
        for (var t = TimeSpan.Zero; t < duration; t += step)
        {
            Time.Advance(step);
            Agent.Step(Time.GetUtcNow());
        }
    }

    /// <summary>Takes (acks) every queued message of <paramref name="stream"/>, checking each against the contract validator.</summary>
    public List<T> Take<T>(string stream)
        where T : class
    {
        var result = new List<T>();
        foreach (var m in Outbox.Peek(100_000))
        {
            if (m.Stream != stream)
            {
                continue;
            }
            var v = TelemetryValidator.Validate(m.Topic, m.Payload.Span, Time.GetUtcNow());
            Assert.True(v.IsValid, $"{m.Topic}: {v.Describe()}");
            Assert.Equal(m.Seq, v.Seq);
            result.Add(Assert.IsType<T>(v.Payload));
            Outbox.Ack(m.Id);
        }
        return result;
    }

    public static DeviceCommand Command(string type, int? dim = null, int? duration = null, string? id = null) => new()
    {
        V = 1,
        Id = id ?? Guid.NewGuid().ToString(),
        Type = type,
        DimPercent = dim,
        DurationS = duration,
    };

    public static T Parse<T>(OutboxMessage m, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonSerializer.Deserialize(m.Payload.Span, info)!;

    public void Dispose()
    {
        Luminaire.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
