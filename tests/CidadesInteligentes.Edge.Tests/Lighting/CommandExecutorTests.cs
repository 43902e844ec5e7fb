using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Lighting;

public sealed class CommandExecutorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ci-cmd-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero));

    public CommandExecutorTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CommandExecutor Executor() => new(
        new ProgramStore(Path.Combine(_dir, "program.json")),
        new OverrideStore(Path.Combine(_dir, "override.json")),
        new CommandIdStore(Path.Combine(_dir, "commands.json")),
        _time);

    private DeviceCommand Command(string id, string type, int? dim = null, int? duration = null, DimmingProgram? program = null) => new()
    {
        V = 1,
        Id = id,
        Ts = _time.GetUtcNow(),
        ExpiresAt = _time.GetUtcNow().AddMinutes(5),
        Type = type,
        DimPercent = dim,
        DurationS = duration,
        Program = program,
    };

    [Fact]
    public void Override_is_set_persisted_and_expires()
    {
        var exec = Executor();
        var outcome = exec.Execute(Command("a1", CommandTypes.SetOverride, dim: 30, duration: 600));
        Assert.Equal(CommandResults.Ok, outcome.Result);
        Assert.Equal(CommandEffect.OverrideSet, outcome.Effect);
        Assert.Equal(new LightingOverride(30, _time.GetUtcNow().AddMinutes(10), "a1"), exec.Override);

        // A restarted agent still holds it...
        Assert.Equal(30, Executor().Override!.DimPercent);
        // ...until it expires 600 s later.
        _time.Advance(TimeSpan.FromSeconds(600));
        Assert.Null(Executor().Override);
    }

    [Fact]
    public void A_repeated_id_is_acknowledged_again_but_not_executed_even_after_restart()
    {
        var exec = Executor();
        Assert.Equal(CommandResults.Ok, exec.Execute(Command("dup", CommandTypes.SetOverride, dim: 30, duration: 600)).Result);
        Assert.Equal(CommandResults.Ok, exec.Execute(Command("clr", CommandTypes.ClearOverride)).Result);

        var restarted = Executor();
        var again = restarted.Execute(Command("dup", CommandTypes.SetOverride, dim: 30, duration: 600));
        Assert.True(again.Repeated);
        Assert.Equal(CommandResults.Ok, again.Result);
        Assert.Null(restarted.Override); // the redelivered override did not come back

        var ack = again.ToAck(seq: 7, _time.GetUtcNow());
        Assert.Equal(("dup", "ok", 7L, 1), (ack.Id, ack.Result, ack.Seq!.Value, ack.V!.Value));
    }

    [Fact]
    public void Expired_and_invalid_commands_are_acknowledged_without_effect()
    {
        var exec = Executor();
        var late = Command("late", CommandTypes.SetOverride, dim: 10, duration: 600);
        late.ExpiresAt = _time.GetUtcNow();
        Assert.Equal(CommandResults.Expired, exec.Execute(late).Result);
        Assert.Null(exec.Override);

        Assert.Equal(CommandResults.Rejected, exec.Execute(Command("short", CommandTypes.SetOverride, dim: 10, duration: 59)).Result);
        Assert.Equal(CommandResults.Rejected, exec.Execute(Command("dim", CommandTypes.SetOverride, dim: 101, duration: 600)).Result);
        Assert.Equal(CommandResults.Rejected, exec.Execute(Command("what", "reboot")).Result);
        Assert.Equal(CommandResults.Rejected, exec.Execute(Command("", CommandTypes.RequestStatus)).Result);
        Assert.Equal(CommandEffect.StatusRequested, exec.Execute(Command("st", CommandTypes.RequestStatus)).Effect);
        // The expired id is remembered: redelivered, it stays expired.
        Assert.Equal(CommandResults.Expired, exec.Execute(Command("late", CommandTypes.SetOverride, dim: 10, duration: 600)).Result);
    }

    [Fact]
    public void Set_program_validates_stores_and_survives_restart()
    {
        var exec = Executor();
        Assert.Equal("default", exec.Program.Name);

        var bad = DimmingProgram.Default();
        bad.MinimumOnMin = -1;
        var rejected = exec.Execute(Command("p0", CommandTypes.SetProgram, program: bad));
        Assert.Equal(CommandResults.Rejected, rejected.Result);
        Assert.Equal("minimumOnMin must be 0–240", rejected.Detail);

        var program = DimmingProgram.Default();
        program.Name = "festa-junina";
        program.Steps = [new DimStep { From = "23:00", DimPercent = 80 }];
        var ok = exec.Execute(Command("p1", CommandTypes.SetProgram, program: program));
        Assert.Equal(CommandEffect.ProgramReplaced, ok.Effect);

        var restarted = Executor();
        Assert.Equal("festa-junina", restarted.Program.Name);
        Assert.Equal(80, Assert.Single(restarted.Program.Steps).DimPercent);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void An_invalid_stored_program_falls_back_to_the_default()
    {
        var program = DimmingProgram.Default();
        program.TimeZone = "Nowhere/Atlantis";
        new ProgramStore(Path.Combine(_dir, "program.json")).Save(program);
        var exec = Executor();
        Assert.Equal("default", exec.Program.Name);
        Assert.Equal("America/Sao_Paulo", exec.Program.TimeZone);
        Assert.Contains(exec.StoredProgramProblems, p => p.Contains("Nowhere/Atlantis", StringComparison.Ordinal));
    }

    [Fact]
    public void Command_memory_keeps_only_the_newest_ids()
    {
        var store = new CommandIdStore(Path.Combine(_dir, "ids.json"), capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            store.Remember("c" + i, CommandResults.Ok, _time.GetUtcNow());
        }
        var reloaded = new CommandIdStore(Path.Combine(_dir, "ids.json"), capacity: 3);
        Assert.Equal(3, reloaded.Count);
        Assert.False(reloaded.TryGetResult("c1", out _));
        Assert.True(reloaded.TryGetResult("c4", out var result));
        Assert.Equal(CommandResults.Ok, result);
    }
}
