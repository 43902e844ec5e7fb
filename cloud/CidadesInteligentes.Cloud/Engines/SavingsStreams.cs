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
/// starting to report around the month is read on its own.
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
            maxId => new Month(readWhole(maxId), city.Luminaires.Select(l => l.Id).ToHashSet(StringComparer.Ordinal), windowEnd.UtcTicks),
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
