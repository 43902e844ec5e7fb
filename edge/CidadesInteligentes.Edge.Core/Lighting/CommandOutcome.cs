using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// The result of one command. <see cref="Repeated"/> marks a command id already executed: it is acknowledged
/// with its original result and nothing is done again.
/// </summary>
public sealed record CommandOutcome(string Id, string Result, string? Detail, CommandEffect Effect, bool Repeated = false)
{
    /// <summary>The contract acknowledgement; <paramref name="seq"/> comes from the ack stream's counter.</summary>
    public CommandAck ToAck(long seq, DateTimeOffset ts) => new()
    {
        V = 1,
        Seq = seq,
        Ts = ts,
        Id = Id,
        Result = Result,
        Detail = Detail,
    };
}
