using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Engines;

/// <summary>
/// The luminaire months (<see cref="LuminaireMonth"/>) of the city-months readers ask for, kept up to date as telemetry
/// arrives (a city of 1,000 luminaires reporting every minute has 43 million readings a month). Each reading that
/// arrives is added to its luminaire's month in seq order: the same steps in the same order as a whole read. A seq
/// below the luminaire's last one or a clock stepping back makes the city-month stale (read whole again); a luminaire
/// starting to report around the month is read on its own. Each city-month in use is also kept on disk every
/// <see cref="SaveEvery"/> (<c>savings_months</c>, as of a row id), so that after a restart it is read back and brought
/// up to date the same way instead of read whole.
/// </summary>
internal sealed class SavingsStreams(SqliteStore store, TimeProvider time)
    : CityMonthStreams<SavingsStreams.Month, EnergyReading>(time)
{
    /// <summary>Luminaire months held at most (about 0.6 KB each).</summary>
    internal override long MaxHeld { get; set; } = 1_000_000;

    /// <summary>A city-month's luminaires (by id), the city's inventory when it was read, and the end of its read window.</summary>
    internal sealed record Month(Dictionary<string, LuminaireMonth> Luminaires, HashSet<string> Inventory, long WindowToTicks)
    {
        /// <summary>Inventory luminaires that started reporting around the month after it was read: read on their own at the next use.</summary>
        public HashSet<string> Pending { get; } = new(StringComparer.Ordinal);

        /// <summary>When it was last kept on disk, and the month's changes and the row id it was as of then.</summary>
        public (DateTimeOffset At, long Changes, long UpToId) Saved { get; set; } = (DateTimeOffset.MinValue, -1, 0);

        private const byte FormatVersion = 1;

        /// <summary>The bytes kept on disk for <paramref name="month"/> (<c>savings_months.data</c>), which <see cref="FromBytes"/> reads back.</summary>
        public byte[] ToBytes(LocalMonth month)
        {
            using var bytes = new MemoryStream();
            using (var w = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                w.Write(FormatVersion);
                w.Write(month.Zone.Id);
                w.Write(month.Label);
                w.Write(WindowToTicks);
                w.Write(Inventory.Count);
                foreach (var id in Inventory)
                {
                    w.Write(id);
                }
                w.Write(Luminaires.Count);
                foreach (var (device, energy) in Luminaires)
                {
                    w.Write(device);
                    energy.WriteTo(w);
                }
            }
            return bytes.ToArray();
        }

        /// <summary>A month written by <see cref="ToBytes"/> for <paramref name="month"/>; null if it was written in another format, time zone or month.</summary>
        /// <exception cref="InvalidDataException">The bytes are damaged (also <see cref="EndOfStreamException"/>, <see cref="ArgumentException"/>).</exception>
        public static Month? FromBytes(byte[] data, LocalMonth month)
        {
            using var r = new BinaryReader(new MemoryStream(data), System.Text.Encoding.UTF8);
            if (r.ReadByte() != FormatVersion || r.ReadString() != month.Zone.Id || r.ReadString() != month.Label)
            {
                return null;
            }
            var windowTo = r.ReadInt64();
            var inventory = new HashSet<string>(StringComparer.Ordinal);
            for (var n = r.ReadInt32(); n > 0; n--)
            {
                inventory.Add(r.ReadString());
            }
            var luminaires = new Dictionary<string, LuminaireMonth>(StringComparer.Ordinal);
            for (var n = r.ReadInt32(); n > 0; n--)
            {
                var device = r.ReadString();
                luminaires[device] = LuminaireMonth.ReadFrom(r, device, month);
            }
            return new Month(luminaires, inventory, windowTo);
        }
    }

    /// <summary>Luminaires read on their own (one that started reporting around a month already held).</summary>
    public long LuminaireReads { get; private set; }

    /// <summary>
    /// Runs <paramref name="use"/> on the city-month's luminaire months as of every row committed now, reading them whole
    /// with <paramref name="readWhole"/> (the read window is the month ± 3 days) when needed.
    /// </summary>
    /// <param name="windowEnd">The end of the read window: a first reading after it cannot change the month.</param>
    /// <param name="readOne">Reads one luminaire's month (null if it has no reading around it), given the highest row id to include.</param>
    public T With<T>(CityRecord city, LocalMonth month, long registryVersion, DateTimeOffset windowEnd, Func<long, Dictionary<string, LuminaireMonth>> readWhole,
        Func<string, long, LuminaireMonth?> readOne, Func<IReadOnlyDictionary<string, LuminaireMonth>, T> use) =>
        With(city, month, registryVersion,
            maxId => Load(city, month, maxId) ?? (new Month(readWhole(maxId), city.Luminaires.Select(l => l.Id).ToHashSet(StringComparer.Ordinal), windowEnd.UtcTicks), maxId),
            m => use(m.Luminaires),
            (m, maxId) =>
            {
                var added = 0;
                foreach (var device in m.Pending)
                {
                    LuminaireReads++;
                    if (readOne(device, maxId) is { } energy)
                    {
                        m.Luminaires[device] = energy;
                        added++;
                    }
                }
                m.Pending.Clear();
                return added;
            });

    /// <summary>Whether city-months are kept on disk and read back instead of read whole (off for an engine that must read whole).</summary>
    internal bool Persist { get; set; } = true;

    /// <summary>A city-month in use is kept on disk again when its copy there is older than this.</summary>
    internal TimeSpan SaveEvery { get; set; } = TimeSpan.FromMinutes(5);

    private long _loads;
    private long _saves;

    /// <summary>City-months read back from disk instead of whole.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>City-months written to disk.</summary>
    public long Saves => Interlocked.Read(ref _saves);

    /// <summary>Why the last copy on disk could not be used or written (null if none failed).</summary>
    public string? LastDiskProblem { get; private set; }

    /// <summary>The latest write to disk (for tests: await it before looking at the store).</summary>
    internal Task LastSave { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// The city-month as kept on disk and the row id it is as of, if there is a copy made for the same luminaires, time
    /// zone and month, at most <see cref="CityMonthStreams{TData, TRow}.MaxCatchUpRows"/> rows behind
    /// <paramref name="maxId"/>; null otherwise (the month is then read whole).
    /// </summary>
    private (Month, long)? Load(CityRecord city, LocalMonth month, long maxId)
    {
        if (!Persist || _notFromDisk.TryRemove((city.Ibge, month.Label), out _))
        {
            return null;
        }
        try
        {
            if (store.SavingsMonth(city.Ibge, month.Label) is not { } kept || kept.UpToId > maxId || maxId - kept.UpToId > MaxCatchUpRows)
            {
                return null;
            }
            if (Month.FromBytes(kept.Data, month) is not { } copy || !copy.Inventory.SetEquals(city.Luminaires.Select(l => l.Id)))
            {
                return null; // another month's copy, or luminaires were installed or removed since: which ones count is a whole read's
            }
            Interlocked.Increment(ref _loads);
            return (copy, kept.UpToId);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            LastDiskProblem = $"{city.Ibge} {month.Label}: the copy on disk could not be read ({e.Message}); read whole instead";
            return null;
        }
    }

    /// <summary>City-months whose copy on disk must not be used for their next read (a row it is older than could not be added).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string City, string Month), bool> _notFromDisk = new();

    /// <summary>Keeps a month in use on disk, as of <paramref name="appliedId"/>, when its copy there is older than <see cref="SaveEvery"/>.</summary>
    protected override void Used(Held month, long appliedId)
    {
        var now = Time.GetUtcNow();
        // a month nothing was added to (a past month, a quiet city) is written again only when its copy falls far behind
        // the rows: a copy is not used more than MaxCatchUpRows rows behind
        var saved = month.Data.Saved;
        var changed = month.Changes != saved.Changes || appliedId - saved.UpToId > MaxCatchUpRows / 2;
        if (!Persist || !changed || now - saved.At < SaveEvery || month.Data.Pending.Count > 0)
        {
            return;
        }
        month.Data.Saved = (now, month.Changes, appliedId);
        // written after the lock is left (the store's write lock is shared with ingest); a lost write costs a whole read
        LastSave = SaveAsync(month.City, month.Month.Label, appliedId, now, month.Data.ToBytes(month.Month));
    }

    private async Task SaveAsync(string city, string month, long upToId, DateTimeOffset at, byte[] data)
    {
        try
        {
            await Task.Yield();
            await store.SaveSavingsMonthAsync(city, month, upToId, at, data, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _saves);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LastDiskProblem = $"{city} {month}: could not be kept on disk ({e.Message})";
        }
    }

    protected override long MaxRowId() => store.MaxTelemetryId();

    protected override List<(string City, string Device, EnergyReading Row)> RowsBetween(long afterId, long upToId) => store.LuminaireReadingsBetween(afterId, upToId);

    protected override long SizeOf(Month data) => data.Luminaires.Count;

    protected override bool RowsTakeMemory => false;

    protected override bool Apply(Held month, string device, in EnergyReading r)
    {
        var data = month.Data;
        if (!data.Inventory.Contains(device))
        {
            return false;
        }
        if (!data.Luminaires.TryGetValue(device, out var energy))
        {
            // no reading around the month when it was read. One after the read window cannot change the month (with
            // nothing before the month there is no step into it); one inside or before the window can: the luminaire is
            // read on its own (with this row) at the month's next use
            if (r.Ts.UtcTicks < data.WindowToTicks)
            {
                data.Pending.Add(device);
            }
            return false;
        }
        var last = energy.Last!.Value;
        if (r.Seq == last.Seq)
        {
            return false; // already in (found by a look-up around the month while the row was being committed)
        }
        if (r.Seq < last.Seq || r.Ts < last.Ts)
        {
            // the copy on disk is as of a row before this one: it would meet it again, so read whole (a new copy follows)
            _notFromDisk[(month.City, month.Month.Label)] = true;
            Invalidate(month, $"{device}: seq {r.Seq} at {r.Ts:O} arrived after seq {last.Seq} at {last.Ts:O}");
            return false;
        }
        if (last.Ts >= month.Month.End)
        {
            return false; // its first reading after the month is in: later ones are not part of it
        }
        energy.Add(r);
        return true;
    }
}
