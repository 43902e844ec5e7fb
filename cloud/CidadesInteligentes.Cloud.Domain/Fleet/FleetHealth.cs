namespace CidadesInteligentes.Cloud.Domain.Fleet;

/// <summary>
/// Online/offline from retained status, will and heartbeat timeout; offline devices classified as supply loss
/// (many of one circuit or city dropping together, or low voltage) or communication loss (one on its own).
/// </summary>
public static class FleetHealth
{
    /// <param name="groupSizes">
    /// The size of every circuit and city (<see cref="GroupSizes"/>) when <paramref name="devices"/> is only part of the
    /// fleet: the devices whose state may have changed, with every offline one among them. Null: counted from
    /// <paramref name="devices"/>, the whole fleet.
    /// </param>
    public static FleetHealthReport Evaluate(IReadOnlyList<DeviceSnapshot> devices, DateTimeOffset now, FleetHealthOptions? options = null,
        IReadOnlyDictionary<(string City, string? Circuit), int>? groupSizes = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var o = options ?? FleetHealthOptions.Default;
        var result = new DeviceHealth[devices.Count];
        var down = new List<int>();
        for (var i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            var (online, since, shutdown) = State(d, now, o);
            result[i] = new DeviceHealth(d.Id, d.City, d.Kind, d.Circuit, online, online ? null : since,
                online || since is null ? null : shutdown ? OfflineCauses.Shutdown : null, "device");
            if (!online && since is not null && !shutdown)
            {
                down.Add(i);
            }
        }
        var causes = new string?[devices.Count];
        var scopes = new string?[devices.Count];
        // circuit first (the narrowest supply), then the whole city for what is left
        if (down.Count > 0)
        {
            var sizes = groupSizes ?? GroupSizes(devices);
            Together(devices, result, down, static d => d.Circuit is null ? null : (d.City, d.Circuit), "circuit", o, causes, scopes, sizes);
            Together(devices, result, down, static d => (d.City, null), "city", o, causes, scopes, sizes);
        }
        foreach (var i in down)
        {
            var low = devices[i].LastVoltageV is { } v && v < o.LowVoltageV;
            var cause = causes[i] ?? (low ? OfflineCauses.SupplyLoss : OfflineCauses.CommunicationLoss);
            result[i] = result[i] with { Cause = cause, Scope = scopes[i] ?? "device" };
        }
        return new FleetHealthReport { Devices = result };
    }

    /// <summary>How many devices each circuit (city, circuit) and each city (city, null) has.</summary>
    public static Dictionary<(string City, string? Circuit), int> GroupSizes(IEnumerable<DeviceSnapshot> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var sizes = new Dictionary<(string City, string? Circuit), int>();
        foreach (var d in devices)
        {
            if (d.Circuit is not null)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sizes, (d.City, d.Circuit), out _)++;
            }
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sizes, (d.City, null), out _)++;
        }
        return sizes;
    }

    private static (bool Online, DateTimeOffset? Since, bool Shutdown) State(DeviceSnapshot d, DateTimeOffset now, FleetHealthOptions o)
    {
        var statusOffline = string.Equals(d.Status, "offline", StringComparison.Ordinal);
        // an offline status newer than any other sign of life settles it (will or clean shutdown)
        if (statusOffline && d.StatusAt is { } at && (d.LastSeen is null || at >= d.LastSeen))
        {
            var shutdown = string.Equals(d.StatusReason, "shutdown", StringComparison.Ordinal);
            return (false, d.LastSeen ?? at, shutdown);
        }
        var last = Latest(d.LastSeen, string.Equals(d.Status, "online", StringComparison.Ordinal) ? d.StatusAt : null);
        if (last is null)
        {
            return (false, null, false);
        }
        return now - last.Value <= o.HeartbeatTimeout ? (true, null, false) : (false, last, false);
    }

    /// <summary>
    /// The moment after which a device the evaluation found online goes offline without any news: its last sign of life
    /// plus the heartbeat timeout (null if it was never seen).
    /// </summary>
    public static DateTimeOffset? OnlineUntil(DeviceSnapshot d, FleetHealthOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return Latest(d.LastSeen, string.Equals(d.Status, "online", StringComparison.Ordinal) ? d.StatusAt : null) + o.HeartbeatTimeout;
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    private static void Together(IReadOnlyList<DeviceSnapshot> devices, DeviceHealth[] health, List<int> down,
        Func<DeviceSnapshot, (string City, string? Circuit)?> groupOf, string scope, FleetHealthOptions o, string?[] causes, string?[] scopes,
        IReadOnlyDictionary<(string City, string? Circuit), int> sizes)
    {
        var groups = down.Where(i => causes[i] is null && groupOf(devices[i]) is not null)
            .GroupBy(i => groupOf(devices[i])!.Value);
        foreach (var group in groups)
        {
            var byTime = group.OrderBy(i => health[i].OfflineSince!.Value).ToList();
            var size = sizes.GetValueOrDefault(group.Key, group.Count());
            var start = 0;
            while (start < byTime.Count)
            {
                var end = start + 1;
                var t0 = health[byTime[start]].OfflineSince!.Value;
                while (end < byTime.Count && health[byTime[end]].OfflineSince!.Value - t0 <= o.TogetherWindow)
                {
                    end++;
                }
                var count = end - start;
                if (count >= o.SupplyLossMinDevices && count >= o.SupplyLossMinShare * size)
                {
                    for (var k = start; k < end; k++)
                    {
                        causes[byTime[k]] = OfflineCauses.SupplyLoss;
                        scopes[byTime[k]] = scope;
                    }
                }
                start = end;
            }
        }
    }
}
