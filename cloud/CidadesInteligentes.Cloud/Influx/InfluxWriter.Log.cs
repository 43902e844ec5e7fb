using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Cloud.Influx;

public sealed partial class InfluxWriter
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "InfluxDB write of {Lines} lines failed ({Error}); retry {Attempt} in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, int lines, int attempt, double delayMs, string error);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "InfluxDB rejected a batch of {Lines} lines ({Error}); isolating the bad lines")]
    private static partial void LogRejectedBatch(ILogger logger, int lines, string error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error,
        Message = "InfluxDB refused a line, dropped: {Line} ({Error})")]
    private static partial void LogDropped(ILogger logger, string line, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning,
        Message = "InfluxDB sink stopped with {Lines} lines not written")]
    private static partial void LogAbandoned(ILogger logger, int lines);
}
