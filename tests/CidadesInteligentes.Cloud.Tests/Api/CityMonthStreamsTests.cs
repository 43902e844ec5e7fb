using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Engines;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// The city-months kept up to date (<see cref="CityMonthStreams{TData, TRow}"/>) when a whole read is slow: a state
/// overview's first call reads each city's month whole, which for a big city takes tens of seconds. Another city's
/// refresh must not wait for it, everybody asking for the same month meanwhile shares the one read, and the rows
/// committed during the read end up in the month once it is held.
/// </summary>
public sealed class CityMonthStreamsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Rows are numbers in a list (row id = position + 1); a month holds the numbers of its city's rows.</summary>
    private sealed class Streams() : CityMonthStreams<List<long>, long>(TimeProvider.System)
    {
        private readonly List<(string City, string Device, long Row)> _rows = [];

        internal override long MaxHeld { get; set; } = 1_000_000;

        public int ReadsStarted;

        public void Commit(string city, long row)
        {
            lock (_rows)
            {
                _rows.Add((city, "dev-1", row));
            }
        }

        /// <summary>What a whole read of <paramref name="city"/> up to <paramref name="upTo"/> returns.</summary>
        public List<long> ReadWhole(string city, long upTo)
        {
            Interlocked.Increment(ref ReadsStarted);
            lock (_rows)
            {
                return _rows.Take((int)upTo).Where(r => r.City == city).Select(r => r.Row).ToList();
            }
        }

        /// <summary>The highest row id each refresh was given (the savings streams read the luminaires that rows named there).</summary>
        public readonly List<long> Refreshes = [];

        public List<long> Get(string city, Func<long, List<long>> readWhole) =>
            With(new CityRecord { Ibge = city }, LocalMonth.Parse("2026-11"), 1, upTo => (readWhole(upTo), upTo), data => data.ToList(), (_, upTo) =>
            {
                Refreshes.Add(upTo);
                return 0;
            });

        protected override long MaxRowId()
        {
            lock (_rows)
            {
                return _rows.Count;
            }
        }

        protected override List<(string City, string Device, long Row)> RowsBetween(long afterId, long upToId)
        {
            lock (_rows)
            {
                return _rows.Skip((int)afterId).Take((int)(upToId - afterId)).ToList();
            }
        }

        protected override bool Apply(Held month, string device, in long row)
        {
            if (row < 0)
            {
                Invalidate(month, $"row {row} cannot be added");
                return false;
            }
            month.Data.Add(row);
            return true;
        }

        protected override long SizeOf(List<long> data) => data.Count;

        protected override bool RowsTakeMemory => true;
    }

    [Fact]
    public async Task A_slow_whole_read_holds_up_neither_other_cities_nor_a_second_reader_of_its_month_and_misses_no_row()
    {
        var streams = new Streams();
        streams.Commit("3548906", 1);
        streams.Commit("3550308", 100);
        Assert.Equal([100], streams.Get("3550308", upTo => streams.ReadWhole("3550308", upTo)));

        using var reading = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var slow = Task.Run(() => streams.Get("3548906", upTo =>
        {
            var rows = streams.ReadWhole("3548906", upTo);
            reading.Set();
            Assert.True(release.Wait(Patience), "the test never released the slow read");
            return rows;
        }));
        Assert.True(reading.Wait(Patience), "the slow read did not start");
        // a second reader of the same month waits for that read instead of starting its own
        var second = Task.Run(() => streams.Get("3548906", upTo => streams.ReadWhole("3548906", upTo)));

        // meanwhile: rows arrive for both cities, and the other city's refresh answers at once
        streams.Commit("3548906", 2);
        streams.Commit("3550308", 101);
        var other = Task.Run(() => streams.Get("3550308", upTo => streams.ReadWhole("3550308", upTo)));
        // (a TimeoutException here means the other city's refresh waited for the slow read)
        Assert.Equal([100, 101], await other.WaitAsync(Patience));
        Assert.False(slow.IsCompleted);
        Assert.False(second.IsCompleted);

        release.Set();
        // the month as read (row 1) with the row committed during the read (row 2), and not the other city's
        Assert.Equal([1, 2], await slow.WaitAsync(Patience));
        Assert.Equal([1, 2], await second.WaitAsync(Patience));
        Assert.Equal(2, streams.WholeReads); // one per city
        Assert.Equal(2, streams.ReadsStarted);
        // every answer, a fresh read's too, was refreshed as of the rows committed then (the savings streams read there the
        // luminaires those rows named): the other city's first answer (rows 1–2), its refresh, and both slow readers (1–4)
        Assert.Equal([2L, 4, 4, 4], streams.Refreshes);

        // held now: later rows are added, nothing is read again
        streams.Commit("3548906", 3);
        Assert.Equal([1, 2, 3], streams.Get("3548906", upTo => streams.ReadWhole("3548906", upTo)));
        Assert.Equal(2, streams.WholeReads);
    }

    [Fact]
    public async Task A_row_committed_during_a_whole_read_that_cannot_be_added_makes_the_month_be_read_again()
    {
        var streams = new Streams();
        streams.Commit("3548906", 1);
        using var reading = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = true;
        var slow = Task.Run(() => streams.Get("3548906", upTo =>
        {
            var rows = streams.ReadWhole("3548906", upTo);
            if (first)
            {
                first = false;
                reading.Set();
                Assert.True(release.Wait(Patience), "the test never released the slow read");
            }
            return rows;
        }));
        Assert.True(reading.Wait(Patience), "the slow read did not start");
        streams.Commit("3548906", -5); // e.g. a seq below the luminaire's last one
        release.Set();
        Assert.Equal([1, -5], await slow.WaitAsync(Patience)); // read again, whole, with it
        Assert.Equal(2, streams.ReadsStarted);
        Assert.Equal(1, streams.Invalidations);
        Assert.Contains("row -5", streams.LastInvalidation, StringComparison.Ordinal);
    }
}
