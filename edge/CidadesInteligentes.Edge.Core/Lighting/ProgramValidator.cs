using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>Checks a dimming program before it is stored, listing every problem at once (the contract's <see cref="DimmingProgramRules"/>).</summary>
public static class ProgramValidator
{
    public const int MaxSteps = DimmingProgramRules.MaxSteps;

    public static IReadOnlyList<string> Validate(DimmingProgram? program) => DimmingProgramRules.Validate(program);

    internal static bool TryParseTime(string? text, out TimeOnly time) => DimmingProgramRules.TryParseTime(text, out time);
}
