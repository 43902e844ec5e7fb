using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>The uplink's log lines, source-generated (the level is checked before anything is formatted).</summary>
internal static partial class UplinkLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "broker refused outbox message {Id} on {Topic}: {Error}; kept in the outbox, sent again in {Delay}")]
    public static partial void PublishRefused(ILogger logger, string topic, long id, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "outbox message {Id} on {Topic} can never be delivered, so it was dropped from the outbox: {Error}")]
    public static partial void PublishTooLarge(ILogger logger, string topic, long id, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "broker connection lost: {Error}")]
    public static partial void ConnectionLost(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "birth status not published: {Error}")]
    public static partial void BirthNotPublished(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "shutdown status not published: {Error}; disconnecting anyway")]
    public static partial void ShutdownStatusNotPublished(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ignored a command that is not valid JSON: {Error}")]
    public static partial void CommandNotJson(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "command {Id} failed: {Error}")]
    public static partial void CommandFailed(ILogger logger, string? id, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "connected to {Host}:{Port} after {Attempts} failed attempt(s)")]
    public static partial void ConnectedAfter(ILogger logger, string host, int port, int attempts);

    [LoggerMessage(Level = LogLevel.Debug, Message = "subscribe to {Topic} failed, retrying after the reconnect: {Error}")]
    public static partial void SubscribeFailed(ILogger logger, string topic, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "connect attempt {Attempt} to {Host}:{Port} failed: {Error}")]
    public static partial void ConnectAttemptFailed(ILogger logger, int attempt, string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Explanation} (attempt {Attempt}, still retrying; next in {Delay})")]
    public static partial void ConnectFailedExplained(ILogger logger, string explanation, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot connect to {Host}:{Port} (attempt {Attempt}, still retrying; next in {Delay}): {Error}")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, int attempt, TimeSpan delay, string error);
}
