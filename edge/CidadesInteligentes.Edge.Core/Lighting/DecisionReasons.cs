namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>Reasons a <see cref="DimmingDecision"/> gives.</summary>
public static class DecisionReasons
{
    /// <summary>An unexpired override holds the level.</summary>
    public const string Override = "override";

    /// <summary>Between the astronomical switch points (outside the photocell windows).</summary>
    public const string Schedule = "schedule";

    /// <summary>Inside a photocell window: the measured light decided.</summary>
    public const string Photocell = "photocell";

    /// <summary>The program says off but the lamp has not been on for the minimum time yet.</summary>
    public const string MinimumOn = "minimumOn";

    /// <summary>The step for this time of night is 0 %.</summary>
    public const string StepOff = "stepOff";
}
