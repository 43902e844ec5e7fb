using System.Text;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>
/// Since schema migration 10 a device's <c>seq_sets</c> row is written only when its seq ranges change shape or a seq
/// lands on another local date than the row's; a batch that only grows the last range by the next seq, on that date,
/// leaves it as it was, and the stored last range reaches up to the highest seq of the device's roll-up of that date
/// (written in the same transaction). Exactly-once must hold across
/// everything that drops the in-memory sets: a restart, another store writing the same file, a clock stepping back
/// across days, a message without a local date, and a store from before the migration.
/// </summary>
public sealed class SeqSetCompletionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = ServerProcess.CreateTempDirectory("seqset-completion");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static IngestItem Lum(string device, long seq, DateTimeOffset? ts = null, bool localDate = true)
    {
        var t = ts ?? T0.AddMinutes(seq);
        return new(IngestItemKind.Message, device, "telemetry", seq, "3548906", "luminaire", t, t, Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}}}"""),
            EnergyWh: 1000 + seq, BurnSeconds: seq * 60, LocalDate: localDate ? CidadesInteligentes.Cloud.Ingest.Ingestor.LocalDate(t) : null);
    }

    private static string Ranges(SqliteStore store, string device) =>
        store.Query("SELECT ranges FROM seq_sets WHERE device = $d", r => r.GetString(0), ("$d", device)).Single();

    private static async Task<StoreOutcome[]> Store(SqliteStore store, params IngestItem[] items) => [.. await store.StoreBatchAsync(items, CancellationToken.None)];

    [Fact]
    public async Task A_set_that_only_grew_is_not_rewritten_yet_a_reopened_store_rejects_every_replay_and_reads_the_newest_rows()
    {
        using (var store = SqliteStore.Open(_dir))
        {
            await Store(store, Lum("a", 1), Lum("a", 2));
            Assert.Equal("1-2", Ranges(store, "a"));
            // ten batches that each add the next seq, 2 h apart from 15:00 local (T0 is 09:00 local): seq 8 is the first
            // after local midnight, so the row is written for it (a new date) and not for the others
            for (var seq = 3; seq <= 12; seq++)
            {
                Assert.Equal([StoreOutcome.Stored], await Store(store, Lum("a", seq, T0.AddHours(2 * seq))));
            }
            Assert.Equal(("1-8", "2026-11-21"), store.Query("SELECT ranges, date FROM seq_sets WHERE device = 'a'", r => (r.GetString(0), r.GetString(1))).Single());
            Assert.Equal("1-12", store.StoredSeqs("a")!.Value.Seqs.ToString());
            // the newest rows: seqs 9-12 arrived after the row's id bound (seq 8's batch); the roll-up of its date has theirs
            Assert.Equal([12L, 11, 10, 9], store.Recent("a", "telemetry", 4).Select(m => m.Seq));
        }

        using (var reopened = SqliteStore.Open(_dir))
        {
            // every stored seq is a duplicate after a restart; the next one is new
            var replay = await Store(reopened, [.. Enumerable.Range(1, 12).Select(s => Lum("a", s)), Lum("a", 13)]);
            Assert.All(replay[..12], r => Assert.Equal(StoreOutcome.Duplicate, r));
            Assert.Equal(StoreOutcome.Stored, replay[12]);
            Assert.Equal(Enumerable.Range(1, 13).Select(s => (long)s), reopened.Seqs("a", "telemetry"));
            // the newest rows (seq 13, on another date than the row's, wrote the row again)
            Assert.Equal([13L, 12, 11, 10], reopened.Recent("a", "telemetry", 4).Select(m => m.Seq));

            // a gap changes the shape: written; the late seq that fills it too
            await Store(reopened, Lum("a", 15));
            Assert.Equal("1-13,15", Ranges(reopened, "a"));
            await Store(reopened, Lum("a", 16), Lum("a", 17));
            Assert.Equal("1-13,15", Ranges(reopened, "a"));
            Assert.Equal("1-13,15-17", reopened.StoredSeqs("a")!.Value.Seqs.ToString());
            await Store(reopened, Lum("a", 14));
            Assert.Equal("1-17", Ranges(reopened, "a"));
        }

        using var third = SqliteStore.Open(_dir);
        Assert.All(await Store(third, Lum("a", 14), Lum("a", 16), Lum("a", 17)), r => Assert.Equal(StoreOutcome.Duplicate, r));
        Assert.Equal([17L, 16, 15], third.Recent("a", "telemetry", 3).Select(m => m.Seq));
    }

    [Fact]
    public async Task A_clock_stepping_back_to_an_earlier_day_writes_the_row_with_that_day()
    {
        using (var store = SqliteStore.Open(_dir))
        {
            await Store(store, Lum("a", 1, T0.AddDays(2)));
            // the clock stepped back two days: seq 2 lands on an earlier local date than the row's, so the row is written
            // with that date; seq 3, the same day, only grows the last range
            await Store(store, Lum("a", 2, T0));
            await Store(store, Lum("a", 3, T0.AddMinutes(1)));
            Assert.Equal(("1-2", "2026-11-20"), store.Query("SELECT ranges, date FROM seq_sets WHERE device = 'a'", r => (r.GetString(0), r.GetString(1))).Single());
        }
        using var reopened = SqliteStore.Open(_dir);
        Assert.Equal("1-3", reopened.StoredSeqs("a")!.Value.Seqs.ToString());
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Duplicate, StoreOutcome.Stored], await Store(reopened, Lum("a", 3), Lum("a", 2), Lum("a", 4)));
    }

    [Fact]
    public async Task Two_stores_on_one_file_see_each_others_growth()
    {
        using var a = SqliteStore.Open(_dir);
        using var b = SqliteStore.Open(_dir);
        await Store(a, Lum("d", 1));
        await Store(a, Lum("d", 2));
        await Store(a, Lum("d", 3));
        // b has never seen d: it reads the stored set and the roll-ups
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Stored], await Store(b, Lum("d", 3), Lum("d", 4)));
        // a's cached set is older than b's commit: dropped, read again
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Stored], await Store(a, Lum("d", 4), Lum("d", 5)));
        Assert.Equal([1L, 2, 3, 4, 5], a.Seqs("d", "telemetry"));
    }

    [Fact]
    public async Task A_message_without_a_local_date_has_no_roll_up_so_its_set_is_written_whole()
    {
        using (var store = SqliteStore.Open(_dir))
        {
            await Store(store, Lum("a", 1));
            await Store(store, Lum("a", 2, localDate: false));
            Assert.Equal("1-2", Ranges(store, "a"));
        }
        using var reopened = SqliteStore.Open(_dir);
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Stored], await Store(reopened, Lum("a", 2), Lum("a", 3)));
    }

    [Fact]
    public async Task A_store_from_before_migration_10_keeps_its_exact_sets_and_newest_rows()
    {
        using (var store = SqliteStore.Open(_dir))
        {
            await Store(store, Lum("a", 1), Lum("a", 2), Lum("a", 3));
            await Store(store, Lum("a", 5));
        }
        // back to version 9: the roll-ups lose their id bound and the sets are exact, as that version wrote them
        using (var c = new SqliteConnection($"Data Source={Path.Combine(_dir, "cidades.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DROP TABLE rollup_fold; ALTER TABLE daily_rollups DROP COLUMN last_id; ALTER TABLE seq_sets DROP COLUMN date; UPDATE seq_sets SET ranges = '1-3,5'; PRAGMA user_version = 9;";
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        using var migrated = SqliteStore.Open(_dir);
        Assert.Equal(Schema.Migrations.Length, migrated.SchemaVersion);
        Assert.Equal([5L, 3], migrated.Recent("a", "telemetry", 2).Select(m => m.Seq));
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Stored, StoreOutcome.Stored], await Store(migrated, Lum("a", 3), Lum("a", 4), Lum("a", 6)));
        Assert.Equal([6L, 5, 4], migrated.Recent("a", "telemetry", 3).Select(m => m.Seq));
        Assert.Equal("1-6", migrated.StoredSeqs("a")!.Value.Seqs.ToString());
    }
}
