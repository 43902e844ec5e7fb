using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

public sealed class OutboxCrashTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "outbox-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Every_seq_reported_durable_survives_sigkill_and_no_seq_is_reused()
    {
        var lines = new ConcurrentQueue<string>();
        var durableCount = 0;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(CrashChildProgram).Assembly.Location);
        start.Environment[CrashChildProgram.ChildVariable] = _dir;
        using var child = Process.Start(start)!;
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
                if (line.StartsWith('D'))
                {
                    Interlocked.Increment(ref durableCount);
                }
            }
        };
        child.BeginOutputReadLine();
        try
        {
            await Wait.UntilAsync(() => Volatile.Read(ref durableCount) >= 3000, "child to report 3000 durable messages", TimeSpan.FromSeconds(60));
        }
        finally
        {
            child.Kill(); // SIGKILL on Unix: no finalizers, no Dispose, no flush
            await child.WaitForExitAsync();
            child.WaitForExit(); // also waits until the redirected output reached end of file
        }

        var durable = new HashSet<long>();
        var acked = new HashSet<long>();
        long maxEnqueued = 0;
        foreach (var line in lines)
        {
            var seq = long.Parse(line.AsSpan(2), provider: null);
            switch (line[0])
            {
                case 'D': durable.Add(seq); break;
                case 'A': acked.Add(seq); break;
                case 'E': maxEnqueued = Math.Max(maxEnqueued, seq); break;
            }
        }

        using var reopened = new DurableOutbox(new OutboxOptions(_dir), TimeProvider.System);
        var present = reopened.Peek(int.MaxValue);
        var presentSeqs = present.Select(m => m.Seq).ToList();
        var missing = durable.Except(acked).Except(presentSeqs).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} durable, unacked seqs lost, e.g. {string.Join(",", missing.Take(5))}");
        Assert.Equal(presentSeqs.Order(), presentSeqs);
        Assert.Equal(presentSeqs.Count, presentSeqs.Distinct().Count());
        Assert.All(present, m => Assert.Equal($"{{\"v\":1,\"seq\":{m.Seq},", Encoding.UTF8.GetString(m.Payload.Span)[..$"{{\"v\":1,\"seq\":{m.Seq},".Length]));

        var next = reopened.Enqueue("telemetry", "t", DateTimeOffset.UtcNow, _ => new byte[] { 1 });
        Assert.True(next.Seq > maxEnqueued, $"seq {next.Seq} reused: the child had already handed out {maxEnqueued}");
        Assert.True(next.Seq > presentSeqs.DefaultIfEmpty().Max());
    }
}
