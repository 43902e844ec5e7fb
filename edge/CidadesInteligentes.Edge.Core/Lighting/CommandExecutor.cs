using System.Globalization;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// Executes lighting commands exactly once per id: a repeated id is acknowledged with its first result and not
/// executed again; a command past <c>expiresAt</c> is acknowledged <c>expired</c>. The effect is persisted before
/// the id is remembered, so a crash in between re-executes at most an idempotent store write; a store that cannot
/// be written gives <c>failed</c> and the id is not remembered, so the cloud may retry. When only the id list cannot
/// be saved, after the effect, the result stands and the id is kept in memory (<see cref="CommandIdStore"/>).
/// </summary>
public sealed class CommandExecutor
{
    public const int MinOverrideSeconds = 60;
    public const int MaxOverrideSeconds = 86400;

    private readonly ProgramStore _programs;
    private readonly OverrideStore _overrides;
    private readonly CommandIdStore _ids;
    private readonly TimeProvider _time;
    private LightingOverride? _override;

    public CommandExecutor(ProgramStore programs, OverrideStore overrides, CommandIdStore ids, TimeProvider time)
    {
        _programs = programs;
        _overrides = overrides;
        _ids = ids;
        _time = time;
        // A stored program that no longer validates (edited by hand, older firmware) must not stop the lamp.
        var stored = programs.Load();
        StoredProgramProblems = stored is null ? [] : ProgramValidator.Validate(stored);
        Program = stored is not null && StoredProgramProblems.Count == 0 ? stored : DimmingProgram.Default();
        _override = overrides.Load();
    }

    /// <summary>The program in force: the stored one, else the contract's default.</summary>
    public DimmingProgram Program { get; private set; }

    /// <summary>Why the stored program was ignored at start (empty when it was used or absent); for the agent's log.</summary>
    public IReadOnlyList<string> StoredProgramProblems { get; }

    /// <summary>The override in force now, or null when there is none or it has expired.</summary>
    public LightingOverride? Override => _override is { } o && o.IsActiveAt(_time.GetUtcNow()) ? o : null;

    /// <summary>Saves the executed command ids if the card refused the last save (at most once a minute); call it from the control loop.</summary>
    public void SaveCommandIdsIfUnsaved() => _ids.SaveIfUnsaved(_time.GetUtcNow());

    public CommandOutcome Execute(DeviceCommand command)
    {
        var now = _time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(command.Id))
        {
            return new CommandOutcome(string.Empty, CommandResults.Rejected, "command has no id", CommandEffect.None);
        }
        var id = command.Id;
        if (_ids.TryGetResult(id, out var previous))
        {
            return new CommandOutcome(id, previous, "already handled", CommandEffect.None, Repeated: true);
        }
        CommandOutcome outcome;
        if (command.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            outcome = new CommandOutcome(id, CommandResults.Expired, Text($"expired at {expiresAt:O}"), CommandEffect.None);
        }
        else if (command.V != 1)
        {
            outcome = new CommandOutcome(id, CommandResults.Rejected, Text($"unsupported version {command.V}"), CommandEffect.None);
        }
        else
        {
            try
            {
                outcome = Apply(id, command, now);
            }
            catch (IOException ex)
            {
                return new CommandOutcome(id, CommandResults.Failed, "state could not be stored: " + ex.Message, CommandEffect.None);
            }
            catch (UnauthorizedAccessException ex)
            {
                return new CommandOutcome(id, CommandResults.Failed, "state could not be stored: " + ex.Message, CommandEffect.None);
            }
        }
        _ids.Remember(id, outcome.Result, now);
        return outcome;
    }

    private CommandOutcome Apply(string id, DeviceCommand command, DateTimeOffset now)
    {
        switch (command.Type)
        {
            case CommandTypes.SetOverride:
                if (command.DimPercent is not { } dim || dim is < 0 or > 100)
                {
                    return Rejected(id, "dimPercent must be 0–100");
                }
                if (command.DurationS is not { } duration || duration is < MinOverrideSeconds or > MaxOverrideSeconds)
                {
                    return Rejected(id, Text($"durationS must be {MinOverrideSeconds}–{MaxOverrideSeconds}"));
                }
                var lightingOverride = new LightingOverride(dim, now.AddSeconds(duration), id);
                _overrides.Save(lightingOverride);
                _override = lightingOverride;
                return Ok(id, Text($"{dim} % until {lightingOverride.ExpiresAt:O}"), CommandEffect.OverrideSet);
            case CommandTypes.ClearOverride:
                _overrides.Save(null);
                _override = null;
                return Ok(id, null, CommandEffect.OverrideCleared);
            case CommandTypes.SetProgram:
                var problems = ProgramValidator.Validate(command.Program);
                if (problems.Count > 0)
                {
                    return Rejected(id, string.Join("; ", problems));
                }
                _programs.Save(command.Program!);
                Program = command.Program!;
                return Ok(id, "program '" + Program.Name + "' stored", CommandEffect.ProgramReplaced);
            case CommandTypes.RequestStatus:
                return Ok(id, null, CommandEffect.StatusRequested);
            default:
                return Rejected(id, "unknown command type '" + command.Type + "'");
        }
    }

    private static CommandOutcome Ok(string id, string? detail, CommandEffect effect) => new(id, CommandResults.Ok, detail, effect);

    private static CommandOutcome Rejected(string id, string detail) => new(id, CommandResults.Rejected, detail, CommandEffect.None);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
