namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Parses <c>iw dev &lt;if&gt; station dump</c>: a "Station aa:bb:.. (on wlan0)" line per station followed by
/// tab-indented "key:value" lines. Stations without an "associated" line (older iw) count as associated.
/// </summary>
public static class IwStationDumpParser
{
    public static IReadOnlyList<WifiStation> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var stations = new List<WifiStation>();
        WifiStation? current = null;
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("Station ", StringComparison.Ordinal))
            {
                Add(stations, current);
                var mac = line.AsSpan(8).Trim();
                mac = mac.Length >= 17 ? mac[..17] : mac;
                current = StationParsing.IsMac(mac) ? new WifiStation(mac.ToString(), true, null, null, null) : null;
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (current is null || colon < 0 || line.Length == 0 || !char.IsWhiteSpace(line[0]))
            {
                continue;
            }
            var key = line[..colon].Trim();
            var value = line.AsSpan(colon + 1);
            current = key switch
            {
                "signal" => current with { SignalDbm = (int?)StationParsing.LeadingInteger(value) },
                "inactive time" => current with { InactiveMs = StationParsing.LeadingInteger(value) },
                "connected time" => current with { ConnectedSeconds = StationParsing.LeadingInteger(value) },
                "associated" => current with { Associated = value.Trim().SequenceEqual("yes") },
                _ => current,
            };
        }
        Add(stations, current);
        return stations;
    }

    private static void Add(List<WifiStation> stations, WifiStation? station)
    {
        if (station is not null)
        {
            stations.Add(station);
        }
    }
}
