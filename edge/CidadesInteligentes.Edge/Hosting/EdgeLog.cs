using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// The agent's log lines, source-generated: the level is checked before anything is formatted, and nothing loads the
/// formatter cache (System.Collections.Concurrent) that the <c>LogInformation(string, params object[])</c> extensions use.
/// </summary>
internal static partial class EdgeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Id} in {City}: broker {Host}:{Port}, {Pending} messages waiting in the outbox")]
    public static partial void Starting(ILogger logger, string kind, string id, string city, string host, int port, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "cannot read the CA certificates in Mqtt:CaFile '{CaFile}': {Error}; no broker certificate will be trusted")]
    public static partial void CaFileUnreadable(ILogger logger, string caFile, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mqtt:CaFile '{CaFile}' holds no PEM certificate; no broker certificate will be trusted")]
    public static partial void CaFileEmpty(ILogger logger, string caFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS: trusting the broker certificate only if issued by {Roots} (from {CaFile})")]
    public static partial void TrustingRoots(ILogger logger, string roots, string caFile);

    [LoggerMessage(Level = LogLevel.Error, Message = "stored dimming program ignored (running the default): {Problem}")]
    public static partial void StoredProgramIgnored(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping: publishing offline status")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "the edge agent stopped on an error")]
    public static partial void StoppedOnError(ILogger logger, Exception error);
}
