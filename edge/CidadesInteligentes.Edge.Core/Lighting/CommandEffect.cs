namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>What executing a command changed, so the agent can react (re-decide, publish status).</summary>
public enum CommandEffect
{
    None,
    OverrideSet,
    OverrideCleared,
    ProgramReplaced,
    StatusRequested,
}
