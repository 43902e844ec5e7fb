using System.Text;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>
/// SQLite runs in multi-thread mode (no mutex per call: SqliteLibrary), which is safe only because no connection is
/// used by two threads at once. These tests check that the mode is really in force and that the store's one writer
/// and its pooled readers still work side by side under load.
/// </summary>
public sealed class SqliteThreadingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = ServerProcess.CreateTempDirectory("sqlite-threading");
    private readonly SqliteStore _store;

    public SqliteThreadingTests() => _store = SqliteStore.Open(_dir);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_library_runs_without_a_mutex_per_connection()
    {
        Assert.True(SqliteLibrary.MultiThreaded, "SQLite was initialized before SqliteLibrary could choose multi-thread mode");
        Assert.False(_store.WriterHasMutex);
    }

    [Fact]
    public async Task Readers_on_their_own_connections_run_beside_the_writer()
    {
        const int batches = 60, perBatch = 50;
        using var done = new CancellationTokenSource();
        using var started = new CountdownEvent(4);
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
        {
            long last = 0, reads = 0;
            while (!done.IsCancellationRequested)
            {
                // counts only grow: a reader sees whole committed batches, never a torn one
                var seqs = _store.Seqs($"sc-lum-{r + 1:D6}", "telemetry");
                var n = _store.Scalar("SELECT COUNT(*) FROM telemetry");
                Assert.True(n >= last, $"reader {r}: {n} rows after {last}");
                Assert.Equal(0, n % perBatch);
                Assert.Equal(0, seqs.Count % (perBatch / 5));
                Assert.True(seqs.Count * 5 <= n, $"reader {r}: {seqs.Count} seqs of one device read before {n} rows in all");
                last = n;
                if (reads++ == 0)
                {
                    started.Signal();
                }
            }
            return reads;
        })).ToArray();

        Assert.True(await Task.Run(() => started.Wait(TimeSpan.FromSeconds(30))), "the readers did not start");
        for (var b = 0; b < batches; b++)
        {
            var items = Enumerable.Range(0, perBatch).Select(i =>
            {
                var device = $"sc-lum-{(i % 5) + 1:D6}";
                long seq = (b * perBatch) + i + 1;
                return new IngestItem(IngestItemKind.Message, device, "telemetry", seq, "3548906", "luminaire", T0.AddSeconds(seq), T0.AddSeconds(seq),
                    Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}}}"""), EnergyWh: 1000 + seq, BurnSeconds: seq, LocalDate: "2026-11-20");
            }).ToList();
            var outcomes = await _store.StoreBatchAsync(items, CancellationToken.None);
            Assert.All(outcomes, o => Assert.Equal(StoreOutcome.Stored, o));
        }
        await done.CancelAsync();
        var reads = await Task.WhenAll(readers);

        Assert.All(reads, r => Assert.True(r > 1));
        Assert.Equal(batches * perBatch, _store.Scalar("SELECT COUNT(*) FROM telemetry"));
        Assert.Equal(batches * perBatch / 5, _store.Seqs("sc-lum-000001", "telemetry").Count);
    }
}
