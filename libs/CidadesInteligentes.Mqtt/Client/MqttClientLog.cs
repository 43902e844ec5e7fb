using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Mqtt.Client;

/// <summary>The client's log lines, source-generated (the level is checked before anything is formatted).</summary>
internal static partial class MqttClientLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection to {Host}:{Port} lost: {Error}")]
    public static partial void ConnectionLost(ILogger logger, string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT reconnected to {Host}:{Port} after {Attempts} attempt(s)")]
    public static partial void Reconnected(ILogger logger, string host, int port, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT reconnect to {Host}:{Port} failed (attempt {Attempt}, still retrying): {Error}")]
    public static partial void ReconnectFailed(ILogger logger, string host, int port, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT reconnect attempt {Attempt} failed: {Error}")]
    public static partial void ReconnectAttemptFailed(ILogger logger, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT subscription to {Filter} not restored after reconnecting to {Host}:{Port} without a session: {Error}")]
    public static partial void SubscriptionNotRestored(ILogger logger, string filter, string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT subscription to {Filter} refused by {Host}:{Port} when restored after reconnecting without a session: reason 0x{Reason:X2} ({Description})")]
    public static partial void SubscriptionRefused(ILogger logger, string filter, string host, int port, byte reason, string description);
}
