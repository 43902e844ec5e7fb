namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>Command types of telemetry contract v1.</summary>
public static class CommandTypes
{
    public const string SetOverride = "setOverride";
    public const string ClearOverride = "clearOverride";
    public const string SetProgram = "setProgram";
    public const string RequestStatus = "requestStatus";
}
