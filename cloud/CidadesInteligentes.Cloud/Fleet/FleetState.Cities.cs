using System.Collections.Concurrent;

namespace CidadesInteligentes.Cloud.Fleet;

/// <summary>
/// The devices of one city without a pass over the whole state: the city page asks for them every few seconds, and the
/// state is meant to hold every luminaire of 645 municipalities. The index only ever holds views that are (or were a
/// moment ago) in the fleet; readers check a view's city again, so a device moving between cities is never listed twice.
/// </summary>
internal sealed partial class FleetState
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, DeviceView>> _byCity = new(StringComparer.Ordinal);

    /// <summary>The devices listed for <paramref name="city"/> (a snapshot of the index, not of each device's state).</summary>
    public IReadOnlyList<DeviceView> DevicesIn(string city)
    {
        if (!_byCity.TryGetValue(city, out var devices))
        {
            return [];
        }
        var list = new List<DeviceView>(devices.Count);
        foreach (var d in devices.Values)
        {
            lock (d)
            {
                if (d.City == city)
                {
                    list.Add(d);
                }
            }
        }
        return list;
    }

    /// <summary>One city's devices online and in all, kept as devices join, leave, move and change state.</summary>
    private sealed class CityCount
    {
        public int Online;
        public int Total;
    }

    private readonly ConcurrentDictionary<string, CityCount> _cityCounts = new(StringComparer.Ordinal);

    /// <summary>
    /// Devices online and in total per city, kept as they change (the city list and the state overview ask for them on
    /// every dashboard refresh; a pass over 645,000 devices took 0.1–0.3 s).
    /// </summary>
    public Dictionary<string, (int Online, int Total)> CountByCity()
    {
        var counts = new Dictionary<string, (int Online, int Total)>(StringComparer.Ordinal);
        foreach (var (city, c) in _cityCounts)
        {
            counts[city] = Read(c);
        }
        return counts;
    }

    /// <summary>Devices online and in total in one city (see <see cref="CountByCity"/>).</summary>
    public (int Online, int Total) CountIn(string city) => _cityCounts.TryGetValue(city, out var c) ? Read(c) : (0, 0);

    private static (int Online, int Total) Read(CityCount c) => (Volatile.Read(ref c.Online), Volatile.Read(ref c.Total));

    /// <summary>Sets a view's online flag and its city's count with it (caller holds the view's lock).</summary>
    private void SetOnline(DeviceView d, bool online)
    {
        if (d.Online == online)
        {
            return;
        }
        d.Online = online;
        if (!d.Removed)
        {
            Count(d.City, online ? 1 : -1, 0);
        }
    }

    private void Count(string city, int online, int total)
    {
        var c = _cityCounts.GetOrAdd(city, static _ => new CityCount());
        if (online != 0)
        {
            Interlocked.Add(ref c.Online, online);
        }
        if (total != 0)
        {
            Interlocked.Add(ref c.Total, total);
        }
    }

    /// <summary>Whether any device is listed for <paramref name="city"/>.</summary>
    public bool HasDevicesIn(string city) => _byCity.TryGetValue(city, out var devices) && !devices.IsEmpty;

    /// <summary>The open alerts of each of <paramref name="devices"/>, read under one lock (same order).</summary>
    public int[] OpenAlertsOf(IReadOnlyList<DeviceView> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var counts = new int[devices.Count];
        lock (_gate)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = _openByDevice.GetValueOrDefault(devices[i].Id);
            }
        }
        return counts;
    }

    /// <summary>The view of <paramref name="id"/>, made and indexed under <paramref name="city"/> if it is new.</summary>
    private DeviceView GetOrAdd(string id, string city, string kind)
    {
        while (true)
        {
            if (_devices.TryGetValue(id, out var known))
            {
                return known;
            }
            var made = new DeviceView { Id = id, City = city, Kind = kind };
            // locked while it is published, indexed and counted: whoever finds it next (a message, a registry change
            // moving it) sees it in its city's index and count
            lock (made)
            {
                if (!_devices.TryAdd(id, made))
                {
                    continue;
                }
                CityIndex(city)[id] = made;
                Count(city, 0, 1);
            }
            _membershipChanged = true;
            return made;
        }
    }

    private ConcurrentDictionary<string, DeviceView> CityIndex(string city) =>
        _byCity.GetOrAdd(city, static _ => new ConcurrentDictionary<string, DeviceView>(StringComparer.Ordinal));

    /// <summary>Moves <paramref name="d"/> from <paramref name="previousCity"/> to its city (registry replacements run one at a time).</summary>
    private void Reindex(DeviceView d, string previousCity)
    {
        string city;
        lock (d)
        {
            city = d.City;
        }
        CityIndex(city)[d.Id] = d;
        if (_byCity.TryGetValue(previousCity, out var old))
        {
            old.TryRemove(new KeyValuePair<string, DeviceView>(d.Id, d));
        }
    }

    /// <summary>Takes <paramref name="d"/> out of its city's index; a newer view of the same id (it reported again) stays.</summary>
    private void Unindex(DeviceView d)
    {
        string city;
        lock (d)
        {
            city = d.City;
        }
        if (_byCity.TryGetValue(city, out var devices))
        {
            devices.TryRemove(new KeyValuePair<string, DeviceView>(d.Id, d));
        }
    }
}
