using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// Entry point of this test assembly. Under the test runner it is never called; the crash test starts the assembly
/// with <c>dotnet exec</c> and <see cref="ChildVariable"/> set, and this loop then enqueues until it is killed.
/// Output lines: <c>E seq</c> enqueued, <c>D seq</c> durable (fsync done), <c>A seq</c> acknowledged.
/// </summary>
public static class CrashChildProgram
{
    public const string ChildVariable = "CI_OUTBOX_CRASH_CHILD_DIR";

    public static int Main()
    {
        var directory = Environment.GetEnvironmentVariable(ChildVariable);
        if (string.IsNullOrEmpty(directory))
        {
            return 0;
        }
        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var options = new OutboxOptions(directory, FlushInterval: TimeSpan.FromMilliseconds(20), SegmentBytes: 16 * 1024, SeqReserveBlock: 100);
        using var outbox = new DurableOutbox(options, TimeProvider.System);
        var notYetDurable = new Queue<OutboxMessage>();
        var unacked = new Queue<OutboxMessage>();
        while (true)
        {
            var message = outbox.Enqueue("telemetry", "ci/v1/3548906/luminaire/sc-lum-000001/telemetry", DateTimeOffset.UtcNow,
                seq => Encoding.UTF8.GetBytes($"{{\"v\":1,\"seq\":{seq},\"pad\":\"{new string('x', 150)}\"}}"));
            output.WriteLine($"E {message.Seq}");
            notYetDurable.Enqueue(message);
            unacked.Enqueue(message);
            var durable = outbox.DurableThroughId;
            while (notYetDurable.Count > 0 && notYetDurable.Peek().Id <= durable)
            {
                output.WriteLine($"D {notYetDurable.Dequeue().Seq}");
            }
            // Keeps ~300 messages unacknowledged so segments roll, get deleted and the ack log is rewritten.
            if (unacked.Count > 300)
            {
                // Printed before the ack: a message may vanish (segment deleted) the moment Ack runs.
                var acked = unacked.Dequeue();
                output.WriteLine($"A {acked.Seq}");
                outbox.Ack(acked.Id);
            }
        }
    }
}
