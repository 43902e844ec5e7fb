namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>The <c>result</c> values of a command acknowledgement.</summary>
public static class CommandResults
{
    public const string Ok = "ok";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
    public const string Failed = "failed";
}
