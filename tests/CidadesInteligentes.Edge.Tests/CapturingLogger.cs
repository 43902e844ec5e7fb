using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Tests;

/// <summary>Keeps every log line with its level, for tests that assert what the agent told the journal.</summary>
internal sealed class CapturingLogger(ConcurrentQueue<(LogLevel Level, string Text)> lines) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue((logLevel, formatter(state, exception)));
}
