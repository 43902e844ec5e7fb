using System.Text;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>
/// Sequenced messages are inserted many rows per statement; every message still gets its own outcome (stored or
/// duplicate), whatever the batch size and wherever a duplicate falls, and roll-ups count only what was stored.
/// </summary>
public sealed class ChunkedInsertTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = ServerProcess.CreateTempDirectory("chunked-insert");
    private readonly SqliteStore _store;

    public ChunkedInsertTests() => _store = SqliteStore.Open(_dir);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static IngestItem Telemetry(string device, long seq) =>
        new(IngestItemKind.Message, device, "telemetry", seq, "3548906", "luminaire", T0.AddMinutes(seq), T0.AddMinutes(seq),
            Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}}}"""), EnergyWh: 1000 + seq, BurnSeconds: seq * 60, LocalDate: "2026-11-20");

    private static IngestItem DeadLetter() =>
        new(IngestItemKind.DeadLetter, "", "", 0, "", "", default, T0, [], Topic: "ci/v1/x", Reason: "json", Detail: "json: bad", RawPayload: [1]);

    [Theory]
    [InlineData(1)]
    [InlineData(SqliteStore.RowsPerInsert - 1)]
    [InlineData(SqliteStore.RowsPerInsert)]
    [InlineData(SqliteStore.RowsPerInsert + 1)]
    [InlineData((3 * SqliteStore.RowsPerInsert) + 5)]
    public async Task Every_message_of_a_batch_of_any_size_is_stored_once(int count)
    {
        var items = Enumerable.Range(1, count).Select(seq => Telemetry("sc-lum-000001", seq)).ToList();
        var results = await _store.StoreBatchAsync(items, CancellationToken.None);
        Assert.All(results, r => Assert.Equal(StoreOutcome.Stored, r));
        Assert.Equal(Enumerable.Range(1, count).Select(s => (long)s), _store.Seqs("sc-lum-000001", "telemetry"));
        var day = Assert.Single(_store.DailyRollups(null, "sc-lum-000001", "2026-11-20", "2026-11-20"));
        Assert.Equal(count, day.Messages);
        Assert.Equal(0, _store.RowByRowRetries);
    }

    [Fact]
    public async Task A_duplicate_inside_a_chunk_is_reported_and_the_rest_of_the_batch_is_stored()
    {
        await _store.StoreBatchAsync([Telemetry("sc-lum-000001", 5)], CancellationToken.None);
        // seq 5 again in the first chunk, seq 40 twice in the same batch, rejects in between
        var items = Enumerable.Range(1, 2 * SqliteStore.RowsPerInsert).Select(seq => Telemetry("sc-lum-000001", seq)).ToList();
        items.Insert(10, DeadLetter());
        items.Add(Telemetry("sc-lum-000001", 40));
        var results = await _store.StoreBatchAsync(items, CancellationToken.None);

        Assert.Equal(StoreOutcome.Duplicate, results[items.FindIndex(i => i.Seq == 5)]);
        Assert.Equal(StoreOutcome.DeadLettered, results[10]);
        Assert.Equal(StoreOutcome.Stored, results[items.FindIndex(i => i.Seq == 40)]);
        Assert.Equal(StoreOutcome.Duplicate, results[^1]);
        Assert.Equal(2 * SqliteStore.RowsPerInsert - 1, results.Count(r => r == StoreOutcome.Stored));
        Assert.Equal(Enumerable.Range(1, 2 * SqliteStore.RowsPerInsert).Select(s => (long)s), _store.Seqs("sc-lum-000001", "telemetry"));
        Assert.Single(_store.DeadLetters(10));
        // the roll-up counts each seq once: 1 from the first batch, the 63 new ones from the second
        Assert.Equal(2 * SqliteStore.RowsPerInsert, Assert.Single(_store.DailyRollups(null, "sc-lum-000001", "2026-11-20", "2026-11-20")).Messages);
        Assert.Equal(1, _store.RowByRowRetries);
    }

    [Fact]
    public async Task After_a_batch_with_duplicates_the_next_batches_still_get_exact_outcomes()
    {
        var first = Enumerable.Range(1, SqliteStore.RowsPerInsert).Select(seq => Telemetry("sc-lum-000002", seq)).ToList();
        await _store.StoreBatchAsync(first, CancellationToken.None);
        // a whole window resent, then new messages with one resent in the middle, then only new ones
        var resent = await _store.StoreBatchAsync(first, CancellationToken.None);
        var mixed = Enumerable.Range(SqliteStore.RowsPerInsert + 1, SqliteStore.RowsPerInsert).Select(seq => Telemetry("sc-lum-000002", seq)).Append(Telemetry("sc-lum-000002", 3)).ToList();
        var mixedResults = await _store.StoreBatchAsync(mixed, CancellationToken.None);
        var fresh = Enumerable.Range((2 * SqliteStore.RowsPerInsert) + 1, SqliteStore.RowsPerInsert).Select(seq => Telemetry("sc-lum-000002", seq)).ToList();
        var freshResults = await _store.StoreBatchAsync(fresh, CancellationToken.None);

        Assert.All(resent, r => Assert.Equal(StoreOutcome.Duplicate, r));
        Assert.Equal(StoreOutcome.Duplicate, mixedResults[^1]);
        Assert.All(mixedResults.Take(SqliteStore.RowsPerInsert), r => Assert.Equal(StoreOutcome.Stored, r));
        Assert.All(freshResults, r => Assert.Equal(StoreOutcome.Stored, r));
        Assert.Equal(3 * SqliteStore.RowsPerInsert, _store.Seqs("sc-lum-000002", "telemetry").Count);
        Assert.Equal(3 * SqliteStore.RowsPerInsert, Assert.Single(_store.DailyRollups(null, "sc-lum-000002", "2026-11-20", "2026-11-20")).Messages);
    }
}
