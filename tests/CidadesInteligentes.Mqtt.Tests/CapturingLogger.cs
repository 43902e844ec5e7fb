using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Mqtt.Tests;

internal sealed record LogEntry(LogLevel Level, string Message);

/// <summary>A logger that keeps every entry, for tests that check what the client logs.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly List<LogEntry> _entries = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add(new LogEntry(logLevel, formatter(state, exception)));
        }
    }

    public int Count(Func<LogEntry, bool> predicate)
    {
        lock (_entries)
        {
            return _entries.Count(predicate);
        }
    }

    public List<LogEntry> Snapshot()
    {
        lock (_entries)
        {
            return [.. _entries];
        }
    }
}
