namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Parses <c>hostapd_cli all_sta</c>: each station starts with a bare MAC line followed by "key=value" lines;
/// a station is associated when its <c>flags</c> contain <c>[ASSOC]</c>. Lines such as
/// "Selected interface 'wlan0'" are ignored.
/// </summary>
public static class HostapdAllStaParser
{
    public static IReadOnlyList<WifiStation> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var stations = new List<WifiStation>();
        WifiStation? current = null;
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.Trim();
            if (StationParsing.IsMac(line))
            {
                if (current is not null)
                {
                    stations.Add(current);
                }
                current = new WifiStation(line, false, null, null, null);
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (current is null || equals < 0)
            {
                continue;
            }
            var value = line.AsSpan(equals + 1);
            current = line[..equals] switch
            {
                "flags" => current with { Associated = value.Contains("[ASSOC]", StringComparison.Ordinal) },
                "signal" => current with { SignalDbm = (int?)StationParsing.LeadingInteger(value) },
                "inactive_msec" => current with { InactiveMs = StationParsing.LeadingInteger(value) },
                "connected_time" => current with { ConnectedSeconds = StationParsing.LeadingInteger(value) },
                _ => current,
            };
        }
        if (current is not null)
        {
            stations.Add(current);
        }
        return stations;
    }
}
