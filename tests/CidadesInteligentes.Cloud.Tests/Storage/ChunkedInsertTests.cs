using System.Text;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>
/// Telemetry is appended many rows per statement after each seq is checked against its device's seq set; every message
/// still gets its own outcome (stored or duplicate), whatever the batch size and wherever a duplicate falls, and
/// roll-ups count only what was stored. Also: gaps filled late, two stores sharing one file, the seq set as stored.
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
    }

    /// <summary>
    /// A fleet's batch holds one message per device, so the seq sets and the daily roll-ups are upserted many devices
    /// per statement: 2 × RowsPerInsert + 7 devices cover full chunks and the rest row by row, first as inserts, then
    /// (next batch) as updates of existing rows, with a replay mixed in that must change neither.
    /// </summary>
    [Fact]
    public async Task A_fleet_batch_of_one_message_per_device_keeps_every_devices_seq_set_and_rollup_exact()
    {
        var devices = Enumerable.Range(1, (2 * SqliteStore.RowsPerInsert) + 7).Select(d => $"sc-lum-{d:D6}").ToList();
        var first = await _store.StoreBatchAsync([.. devices.Select(d => Telemetry(d, 1))], CancellationToken.None);
        Assert.All(first, r => Assert.Equal(StoreOutcome.Stored, r));
        // the next interval: seq 2 of every device, and seq 1 of the 40th resent in the middle
        var second = devices.Select(d => Telemetry(d, 2)).ToList();
        second.Insert(20, Telemetry(devices[39], 1));
        var results = await _store.StoreBatchAsync(second, CancellationToken.None);

        Assert.Equal(StoreOutcome.Duplicate, results[20]);
        Assert.Equal(devices.Count, results.Count(r => r == StoreOutcome.Stored));
        // each set only grew by the next seq, so its row was not written again: the roll-ups carry the seq (migration 10)
        Assert.Equal(devices.Order(StringComparer.Ordinal), _store.Query("SELECT device FROM seq_sets WHERE ranges = '1' ORDER BY device", r => r.GetString(0)));
        Assert.All(devices, d => Assert.Equal("1-2", _store.StoredSeqs(d)!.Value.Seqs.ToString()));
        var rollups = _store.DailyRollups(null, null, "2026-11-20", "2026-11-20");
        Assert.Equal(devices.Order(StringComparer.Ordinal), rollups.Select(r => r.Device));
        Assert.All(rollups, r =>
        {
            Assert.Equal(2, r.Messages);
            Assert.Equal(1001, r.EnergyMinWh);
            Assert.Equal(1002, r.EnergyMaxWh);
            Assert.Equal(T0.AddMinutes(1), r.FirstTs);
            Assert.Equal(T0.AddMinutes(2), r.LastTs);
        });
        // a store opened afresh (no cache) reads the same sets from the table: every seq 1 and 2 is a duplicate
        using var reopened = SqliteStore.Open(_dir);
        var again = await reopened.StoreBatchAsync([.. devices.Select(d => Telemetry(d, 2)), .. devices.Select(d => Telemetry(d, 1))], CancellationToken.None);
        Assert.All(again, r => Assert.Equal(StoreOutcome.Duplicate, r));
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

    [Fact]
    public async Task A_gap_filled_late_is_stored_once_and_the_seq_set_records_the_ranges()
    {
        var first = new[] { 1, 2, 3, 7, 8, 9 }.Select(seq => Telemetry("sc-lum-000003", seq)).ToList();
        await _store.StoreBatchAsync(first, CancellationToken.None);
        Assert.Equal(["1-3,7-9"], _store.Query("SELECT ranges FROM seq_sets WHERE device = 'sc-lum-000003'", r => r.GetString(0)));

        var late = await _store.StoreBatchAsync([Telemetry("sc-lum-000003", 5), Telemetry("sc-lum-000003", 5), Telemetry("sc-lum-000003", 8)], CancellationToken.None);
        Assert.Equal([StoreOutcome.Stored, StoreOutcome.Duplicate, StoreOutcome.Duplicate], late);
        Assert.Equal(["1-3,5,7-9"], _store.Query("SELECT ranges FROM seq_sets WHERE device = 'sc-lum-000003'", r => r.GetString(0)));
        var fill = await _store.StoreBatchAsync([Telemetry("sc-lum-000003", 4), Telemetry("sc-lum-000003", 6)], CancellationToken.None);
        Assert.All(fill, r => Assert.Equal(StoreOutcome.Stored, r));
        Assert.Equal(["1-9"], _store.Query("SELECT ranges FROM seq_sets WHERE device = 'sc-lum-000003'", r => r.GetString(0)));
        Assert.Equal(Enumerable.Range(1, 9).Select(s => (long)s), _store.Seqs("sc-lum-000003", "telemetry"));
        // newest first by seq, although 4, 5 and 6 arrived last
        Assert.Equal([9L, 8, 7, 6], _store.Recent("sc-lum-000003", "telemetry", 4).Select(m => m.Seq));
    }

    [Fact]
    public async Task Two_stores_on_one_file_store_each_seq_once_although_each_caches_its_seq_sets()
    {
        using var other = SqliteStore.Open(_dir);
        var a = await _store.StoreBatchAsync([.. Enumerable.Range(1, 5).Select(seq => Telemetry("sc-lum-000004", seq))], CancellationToken.None);
        var b = await other.StoreBatchAsync([.. Enumerable.Range(3, 5).Select(seq => Telemetry("sc-lum-000004", seq))], CancellationToken.None);
        // the first store has seqs 1-5 cached; the second has since stored 6 and 7
        var again = await _store.StoreBatchAsync([Telemetry("sc-lum-000004", 6), Telemetry("sc-lum-000004", 8)], CancellationToken.None);

        Assert.All(a, r => Assert.Equal(StoreOutcome.Stored, r));
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Duplicate, StoreOutcome.Duplicate, StoreOutcome.Stored, StoreOutcome.Stored], b);
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Stored], again);
        Assert.Equal(1, _store.SeqCacheInvalidations);
        Assert.Equal(Enumerable.Range(1, 8).Select(s => (long)s), _store.Seqs("sc-lum-000004", "telemetry"));
        Assert.Equal(8, Assert.Single(_store.DailyRollups(null, "sc-lum-000004", "2026-11-20", "2026-11-20")).Messages);
    }

    [Fact]
    public async Task A_batch_that_fails_to_commit_leaves_no_seq_behind_in_the_cache()
    {
        await _store.StoreBatchAsync([Telemetry("sc-lum-000005", 1)], CancellationToken.None);
        // an item the store cannot take (no device) makes the batch throw after seq 3 went into the batch's seq set
        var bad = Telemetry("sc-lum-000005", 2) with { Device = null! };
        await Assert.ThrowsAnyAsync<Exception>(() => _store.StoreBatchAsync([Telemetry("sc-lum-000005", 3), bad], CancellationToken.None));
        // seq 3 was rolled back with the batch: sent again, it is new
        var retry = await _store.StoreBatchAsync([Telemetry("sc-lum-000005", 3)], CancellationToken.None);
        Assert.Equal([StoreOutcome.Stored], retry);
        Assert.Equal([1L, 3], _store.Seqs("sc-lum-000005", "telemetry"));
    }

    [Fact]
    public async Task A_row_that_fails_inside_a_chunk_rolls_the_whole_batch_back_and_its_resend_is_stored_in_full()
    {
        await _store.StoreBatchAsync([Telemetry("sc-lum-000006", 1)], CancellationToken.None);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_store.Path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TRIGGER fail_seq_20 BEFORE INSERT ON telemetry WHEN NEW.seq = 20 BEGIN SELECT RAISE(FAIL, 'injected failure'); END;";
            cmd.ExecuteNonQuery();
        }
        // seqs 2-41: seq 20 is in the middle of the first 32-row chunk
        var batch = Enumerable.Range(2, 40).Select(seq => Telemetry("sc-lum-000006", seq)).ToList();
        await Assert.ThrowsAnyAsync<Microsoft.Data.Sqlite.SqliteException>(() => _store.StoreBatchAsync(batch, CancellationToken.None));
        Assert.Equal([1L], _store.Seqs("sc-lum-000006", "telemetry"));
        Assert.Equal(["1"], _store.Query("SELECT ranges FROM seq_sets WHERE device = 'sc-lum-000006'", r => r.GetString(0)));
        Assert.Equal(1, Assert.Single(_store.DailyRollups(null, "sc-lum-000006", "2026-11-20", "2026-11-20")).Messages);

        await _store.WriteAsync("DROP TRIGGER fail_seq_20", CancellationToken.None);
        var results = await _store.StoreBatchAsync(batch, CancellationToken.None);
        Assert.All(results, r => Assert.Equal(StoreOutcome.Stored, r));
        Assert.Equal(Enumerable.Range(1, 41).Select(s => (long)s), _store.Seqs("sc-lum-000006", "telemetry"));
        Assert.Equal(41, Assert.Single(_store.DailyRollups(null, "sc-lum-000006", "2026-11-20", "2026-11-20")).Messages);
    }
}
