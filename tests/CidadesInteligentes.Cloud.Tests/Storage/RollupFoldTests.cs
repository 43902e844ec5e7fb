using System.Text;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>
/// Since schema migration 11 the daily roll-ups are folded from the stored telemetry every few seconds, not upserted in
/// every commit: a batch's roll-ups wait in memory, a fold writes them sorted by key and moves the watermark
/// <c>rollup_fold.up_to_id</c>, and the rows above the watermark are read back from the table when the store opens
/// (after a crash) or another connection has committed. What must hold: the roll-ups equal those of a fold per batch
/// whatever the folds' timing, crashes and second writers; every read of the roll-ups sees every committed message; and
/// exactly-once, whose seq sets the roll-ups complete, holds while roll-ups wait in memory.
/// </summary>
public sealed class RollupFoldTests : IDisposable
{
    private const string City = "3548906";
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = ServerProcess.CreateTempDirectory("rollup-fold");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Dir(string name) => Path.Combine(_dir, name);

    private static IngestItem Lum(string device, long seq, DateTimeOffset? ts = null, double? energy = null)
    {
        var t = ts ?? T0.AddMinutes(seq);
        return new(IngestItemKind.Message, device, "telemetry", seq, City, "luminaire", t, t, Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}}}"""),
            EnergyWh: energy ?? 1000 + seq, BurnSeconds: seq * 60, LocalDate: Ingestor.LocalDate(t));
    }

    /// <summary>A hotspot item as the ingestor makes it: the roll-up's four values from the validated payload.</summary>
    private static IngestItem Hot(string device, long seq, DateTimeOffset ts, bool? up, bool? portal, int? clients, int? unique)
    {
        var h = new HotspotTelemetry { V = 1, Seq = seq, Ts = ts, BackhaulUp = up, PortalOk = portal, Clients = clients, UniqueClientsToday = unique, LatencyMs = 20 };
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(h, TelemetryJson.Default.HotspotTelemetry);
        return new(IngestItemKind.Message, device, "telemetry", seq, City, "hotspot", ts, ts, json, LocalDate: Ingestor.LocalDate(ts),
            BackhaulUp: up, PortalOk: portal, Clients: clients, UniqueClients: unique, Hotspot: h);
    }

    private static async Task<StoreOutcome[]> Store(SqliteStore store, params IngestItem[] items) => [.. await store.StoreBatchAsync(items, CancellationToken.None)];

    private static SqliteStore Open(string dir, TimeSpan interval)
    {
        var store = SqliteStore.Open(dir);
        store.RollupFoldInterval = interval;
        return store;
    }

    /// <summary>The table as stored, read without folding; last_id apart (a bound that a fold from the table makes exact).</summary>
    private static List<string> RawRollups(SqliteStore store) =>
        store.Query("""
            SELECT device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh, burn_min_s, burn_max_s,
                   backhaul_up, portal_ok, max_clients, max_unique, min_seq, max_seq FROM daily_rollups ORDER BY device, date
            """,
            r => string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));

    private static long Watermark(SqliteStore store) => store.Query("SELECT up_to_id FROM rollup_fold", r => r.GetInt64(0)).Single();

    [Fact]
    public async Task Roll_ups_wait_in_memory_until_a_read_folds_them_and_the_watermark_then_reaches_the_newest_row()
    {
        using var store = Open(Dir("a"), TimeSpan.FromHours(1));
        Assert.Equal(0, Watermark(store));
        await Store(store, Lum("a", 1), Lum("b", 1));
        await Store(store, Lum("a", 2), Lum("a", 3, energy: 900));
        // nothing written yet: the roll-ups of two device-days wait in memory
        Assert.Empty(RawRollups(store));
        Assert.Equal(2, store.PendingRollups);
        Assert.Equal(0, Watermark(store));

        // a read of the roll-ups folds first and sees every committed message
        var a = store.DailyRollups(null, "a", "2026-11-20", "2026-11-20").Single();
        Assert.Equal((3L, 900.0, 1002.0, T0.AddMinutes(1), T0.AddMinutes(3)), (a.Messages, a.EnergyMinWh!.Value, a.EnergyMaxWh!.Value, a.FirstTs, a.LastTs));
        Assert.Equal(2, RawRollups(store).Count);
        Assert.Equal(0, store.PendingRollups);
        Assert.Equal(store.MaxTelemetryId(), Watermark(store));
        Assert.Equal(1, store.RollupFolds);
        // a read with nothing pending writes nothing
        store.FoldRollups();
        Assert.Equal(1, store.RollupFolds);
    }

    [Fact]
    public async Task A_batch_folds_when_the_oldest_pending_roll_up_is_an_interval_old_or_memory_is_at_its_limits()
    {
        using var store = Open(Dir("a"), TimeSpan.FromSeconds(60));
        var clock = new ManualTimeProvider();
        store.Clock = clock;
        await Store(store, Lum("a", 1));
        clock.Advance(TimeSpan.FromSeconds(59.9));
        await Store(store, Lum("a", 2));
        Assert.Empty(RawRollups(store));
        Assert.Equal(0, store.RollupFolds);
        // the oldest pending roll-up is now 60 s old: the next batch folds all three messages
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await Store(store, Lum("a", 3));
        Assert.Equal(1, store.RollupFolds);
        Assert.Single(RawRollups(store));
        Assert.Contains("|3|", RawRollups(store).Single(), StringComparison.Ordinal);

        store.RollupFoldInterval = TimeSpan.FromHours(1);
        store.RollupPendingLimit = 3;
        await Store(store, Lum("c", 1), Lum("d", 1));
        await Store(store, Lum("e", 1));
        Assert.Equal(1, store.RollupFolds);
        Assert.Equal(3, store.PendingRollups);
        // a fourth device-day would pass the limit: this batch folds all of them
        await Store(store, Lum("f", 1));
        Assert.Equal(2, store.RollupFolds);
        Assert.Equal(0, store.PendingRollups);
        Assert.Equal(5, RawRollups(store).Count);

        // a flood of one device-day: the messages waiting are bounded too (what a start after a crash reads back)
        store.RollupPendingLimit = 100_000;
        store.RollupPendingMessagesLimit = 5;
        await Store(store, Lum("a", 4), Lum("a", 5), Lum("a", 6));
        await Store(store, Lum("a", 7), Lum("a", 8));
        Assert.Equal(2, store.RollupFolds);
        Assert.Equal(1, store.PendingRollups);
        await Store(store, Lum("a", 9));
        Assert.Equal(3, store.RollupFolds);
        Assert.Contains("|9|", RawRollups(store)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_replay_is_a_duplicate_while_the_roll_ups_that_complete_the_seq_sets_wait_in_memory()
    {
        using var store = Open(Dir("a"), TimeSpan.FromHours(1));
        // a cache of one device: each batch of the other device drops it, so each seq set is read back from the tables
        store.SeqCacheLimit = 1;
        for (var seq = 1; seq <= 6; seq++)
        {
            Assert.Equal([StoreOutcome.Stored, StoreOutcome.Stored], await Store(store, Lum("a", seq), Lum("b", seq)));
        }
        // the rows say 1 (written for the new device); seqs 2-6 are only in the pending roll-ups
        Assert.Equal(["1", "1"], store.Query("SELECT ranges FROM seq_sets ORDER BY device", r => r.GetString(0)));
        Assert.Empty(RawRollups(store));
        var replay = await Store(store, [.. Enumerable.Range(1, 6).Select(s => Lum("a", s)), Lum("a", 7)]);
        Assert.Equal([.. Enumerable.Repeat(StoreOutcome.Duplicate, 6), StoreOutcome.Stored], replay);
        Assert.Equal([StoreOutcome.Duplicate, StoreOutcome.Stored], await Store(store, Lum("b", 6), Lum("b", 7)));
        Assert.Equal(Enumerable.Range(1, 7).Select(s => (long)s), store.Seqs("a", "telemetry"));
        // and the roll-ups, once folded, count each message once
        Assert.Equal([7L, 7L], store.DailyRollups(City, null, "2026-11-20", "2026-11-20").Select(r => r.Messages));
        Assert.Equal("1-7", store.StoredSeqs("a")!.Value.Seqs.ToString());
    }

    [Fact]
    public async Task A_store_that_died_with_roll_ups_in_memory_folds_their_rows_when_it_opens_and_rejects_every_replay()
    {
        var live = Dir("live");
        var crashed = Dir("crashed");
        using (var store = Open(live, TimeSpan.FromHours(1)))
        {
            await Store(store, Lum("a", 1), Hot("h", 1, T0, true, true, 3, 5));
            store.FoldRollups();
            await Store(store, Lum("a", 2), Lum("a", 3), Hot("h", 2, T0.AddMinutes(1), true, false, 4, 6));
            await Store(store, Lum("a", 4, T0.AddDays(1)), Hot("h", 3, T0.AddMinutes(2), false, false, null, null));
            Assert.Equal(3, store.PendingRollups);
            // the process dies here: what is on disk is the committed rows, the roll-ups of the first batch and its watermark
            Directory.CreateDirectory(crashed);
            foreach (var f in Directory.GetFiles(live).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal)))
            {
                File.Copy(f, Path.Combine(crashed, Path.GetFileName(f)));
            }
        }

        using var reopened = Open(crashed, TimeSpan.FromHours(1));
        Assert.Equal(1, reopened.RollupTableFolds);
        Assert.Equal(reopened.MaxTelemetryId(), Watermark(reopened));
        using (var reference = Open(Dir("reference"), TimeSpan.Zero))
        {
            await Store(reference, Lum("a", 1), Hot("h", 1, T0, true, true, 3, 5));
            await Store(reference, Lum("a", 2), Lum("a", 3), Hot("h", 2, T0.AddMinutes(1), true, false, 4, 6));
            await Store(reference, Lum("a", 4, T0.AddDays(1)), Hot("h", 3, T0.AddMinutes(2), false, false, null, null));
            Assert.Equal(RawRollups(reference), RawRollups(reopened));
        }
        var hot = reopened.DailyRollups(null, "h", "2026-11-20", "2026-11-20").Single();
        Assert.Equal((3L, 2L, 1L, 4L, 6L), (hot.Messages, hot.BackhaulUp, hot.PortalOk, hot.MaxClients!.Value, hot.MaxUnique!.Value));
        // the seqs that only the lost roll-ups carried are duplicates
        Assert.All(await Store(reopened, Lum("a", 2), Lum("a", 3), Lum("a", 4, T0.AddDays(1)), Hot("h", 2, T0.AddMinutes(1), true, false, 4, 6)),
            r => Assert.Equal(StoreOutcome.Duplicate, r));
        Assert.Equal([4L, 3, 2, 1], reopened.Recent("a", "telemetry", 10).Select(m => m.Seq));
    }

    [Fact]
    public async Task Two_stores_sharing_a_file_count_each_message_once_whichever_folds()
    {
        var dir = Dir("shared");
        using var one = Open(dir, TimeSpan.FromHours(1));
        using var two = Open(dir, TimeSpan.FromHours(1));
        await Store(one, Lum("a", 1), Lum("b", 1));
        await Store(two, Lum("a", 2), Lum("b", 1));          // two reads one's rows back (another connection committed)
        await Store(one, Lum("a", 3), Lum("b", 2), Lum("a", 2));
        await Store(two, Lum("a", 4));
        await Store(one, Lum("b", 3));
        var expected = new[] { ("a", 4L), ("b", 3L) };
        Assert.Equal(expected, two.DailyRollups(City, null, "2026-11-20", "2026-11-20").Select(r => (r.Device, r.Messages)));
        Assert.Equal(expected, one.DailyRollups(City, null, "2026-11-20", "2026-11-20").Select(r => (r.Device, r.Messages)));
        await Store(two, Lum("a", 5));
        Assert.Equal([("a", 5L), ("b", 3L)], one.DailyRollups(City, null, "2026-11-20", "2026-11-20").Select(r => (r.Device, r.Messages)));
        Assert.Equal([1L, 2, 3, 4, 5], one.Seqs("a", "telemetry"));
    }

    [Fact]
    public async Task Random_batches_folded_at_random_moments_with_crashes_give_the_roll_ups_of_a_fold_per_batch()
    {
        var rng = new Random(20261207);
        var devices = Enumerable.Range(0, 12).Select(i => i % 4 == 0 ? $"hot-{i:D2}" : $"lum-{i:D2}").ToArray();
        var next = devices.ToDictionary(d => d, _ => 1L);
        var batches = new List<IngestItem[]>();
        for (var b = 0; b < 60; b++)
        {
            var batch = new List<IngestItem>();
            for (var k = rng.Next(1, 12); k > 0; k--)
            {
                var d = devices[rng.Next(devices.Length)];
                // mostly the next seq; sometimes a replay, sometimes a gap (filled later or not)
                var roll = rng.Next(10);
                var seq = roll == 0 && next[d] > 1 ? rng.NextInt64(1, next[d]) : roll == 1 ? next[d] + 2 : next[d];
                next[d] = Math.Max(next[d], seq + 1);
                // 20 minutes a seq from 18:00 local: the devices cross local midnight
                var ts = T0.AddHours(9).AddMinutes(20 * seq);
                batch.Add(d.StartsWith("hot", StringComparison.Ordinal)
                    ? Hot(d, seq, ts, rng.Next(3) > 0, rng.Next(2) == 0, rng.Next(4) == 0 ? null : rng.Next(50), rng.Next(4) == 0 ? null : rng.Next(500))
                    : Lum(d, seq, ts, energy: rng.Next(5) == 0 ? -0.0 : 1000 + (seq * 7.5)));
            }
            batches.Add([.. batch]);
        }

        List<string> expected;
        using (var reference = Open(Dir("reference"), TimeSpan.Zero))
        {
            foreach (var batch in batches)
            {
                await Store(reference, batch);
            }
            expected = RawRollups(reference);
            Assert.Equal(0, reference.PendingRollups);
        }

        var dir = Dir("subject");
        var store = Open(dir, TimeSpan.FromHours(1));
        var crashes = 0;
        try
        {
            for (var i = 0; i < batches.Count; i++)
            {
                await Store(store, batches[i]);
                switch (rng.Next(8))
                {
                    case 0:
                        store.FoldRollups();
                        break;
                    case 1:
                        // a crash: the files as they are, the store in memory abandoned
                        var copy = Dir($"crash-{++crashes}");
                        Directory.CreateDirectory(copy);
                        foreach (var f in Directory.GetFiles(dir).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal)))
                        {
                            File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
                        }
                        store.Dispose();
                        dir = copy;
                        store = Open(dir, TimeSpan.FromHours(1));
                        break;
                }
            }
            Assert.True(crashes >= 3, $"{crashes} crashes");
            Assert.True(store.PendingRollups > 0);
            Assert.NotEqual(expected, RawRollups(store));
            store.FoldRollups();
            Assert.Equal(expected, RawRollups(store));
        }
        finally
        {
            store.Dispose();
        }
    }
}
