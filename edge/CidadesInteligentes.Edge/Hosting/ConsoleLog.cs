using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// The agent's log: one line per entry on standard output (journald adds its own timestamp, we keep a UTC one for
/// plain files), e.g. <c>2026-11-23T18:00:00Z warn: edge broker unreachable</c>. Levels come from
/// <c>Logging:LogLevel:Default</c> and <c>Logging:LogLevel:&lt;category&gt;</c> (longest matching prefix wins).
/// Hand-written instead of Microsoft.Extensions.Logging.Console and the generic host: those pulled in DI, options,
/// a logger queue thread and several megabytes of JIT-compiled code for a process that logs a few lines an hour
/// (docs/performance.md, "Edge agent footprint").
/// </summary>
internal sealed class ConsoleLog : ILoggerFactory
{
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly LogLevel _default;
    private readonly List<(string Prefix, LogLevel Level)> _overrides = [];
    private readonly Lock _gate = new();

    public ConsoleLog(EdgeConfig config, TextWriter output, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        _out = output;
        _time = time;
        _default = LogLevel.Information;
        foreach (var (key, value) in config.Children("Logging:LogLevel"))
        {
            if (!Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level))
            {
                continue;
            }
            if (key.Equals("Default", StringComparison.OrdinalIgnoreCase))
            {
                _default = level;
            }
            else
            {
                _overrides.Add((key, level));
            }
        }
        _overrides.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var min = _default;
        foreach (var (prefix, level) in _overrides)
        {
            if (categoryName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                min = level;
                break;
            }
        }
        return new Logger(this, categoryName, min);
    }

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the edge log writes to standard output only");

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        var stamp = _time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var text = exception is null
            ? $"{stamp} {Short(level)}: {category} {message}"
            : $"{stamp} {Short(level)}: {category} {message} {exception.ToString().ReplaceLineEndings(" ")}";
        lock (_gate)
        {
            _out.WriteLine(text);
            _out.Flush();
        }
    }

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(ConsoleLog log, string category, LogLevel min) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= min;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                log.Write(category, logLevel, formatter(state, exception), exception);
            }
        }
    }
}
