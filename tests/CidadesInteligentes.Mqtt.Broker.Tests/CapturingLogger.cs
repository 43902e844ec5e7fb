using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>A logger that keeps every formatted line, for tests that check what the broker logs.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly List<string> _lines = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add(formatter(state, exception));
        }
    }

    public List<string> Lines(string containing)
    {
        lock (_lines)
        {
            return [.. _lines.Where(l => l.Contains(containing, StringComparison.Ordinal))];
        }
    }
}
