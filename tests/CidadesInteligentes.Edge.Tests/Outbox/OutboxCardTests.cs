using System.Collections.Concurrent;
using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// What the tests of a durable outbox on a failing SD card share: a fresh directory (removed afterwards), a manual
/// clock, the outbox's log lines, an outbox with small seq reservations, and a luminaire telemetry message to queue.
/// </summary>
public abstract class OutboxCardTests : IDisposable
{
    protected const string Topic = "ci/v1/3548906/luminaire/sc-lum-000001/telemetry";

    protected OutboxCardTests(string name) => Dir = Path.Combine(Path.GetTempPath(), $"outbox-{name}-" + Guid.NewGuid().ToString("N"));

    protected string Dir { get; }

    protected ManualTimeProvider Time { get; } = new();

    protected ConcurrentQueue<(LogLevel Level, string Text)> Log { get; } = new();

    public void Dispose()
    {
        if (Directory.Exists(Dir))
        {
            Directory.Delete(Dir, recursive: true);
        }
        GC.SuppressFinalize(this);
    }

    private protected DurableOutbox Open(OutboxFiles? files = null, int maxMessages = 1000, long segmentBytes = 1 << 20) =>
        new(new OutboxOptions(Dir, maxMessages, 1 << 20, TimeSpan.FromMilliseconds(500), segmentBytes, SeqReserveBlock: 10), Time,
            new CapturingLogger(Log), files ?? OutboxFiles.Default);

    /// <summary>The payload of the message given <paramref name="seq"/>.</summary>
    protected virtual byte[] Payload(long seq) => Encoding.UTF8.GetBytes($"m{seq}");

    protected OutboxMessage Put(DurableOutbox outbox, string stream = "telemetry") =>
        outbox.Enqueue(stream, Topic, new DateTimeOffset(2026, 11, 22, 3, 15, 0, TimeSpan.Zero), seq => Payload(seq));

    protected int Lines(LogLevel level, string text) => Log.Count(l => l.Level == level && l.Text.Contains(text, StringComparison.Ordinal));
}
