namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>Collapses minute states into outages (by cause) and a timeline (up / down / noData).</summary>
internal static class WifiRuns
{
    public static (List<WifiOutage> Outages, List<WifiTimelineSpan> Timeline) Of(byte[] states, WifiPeriod period)
    {
        var outages = new List<WifiOutage>();
        var timeline = new List<WifiTimelineSpan>();
        var n = period.Minutes;
        var k = 0;
        while (k < n)
        {
            var state = (MinuteState)(states[k] & 0x7F);
            var end = k + 1;
            while (end < n && (MinuteState)(states[end] & 0x7F) == state)
            {
                end++;
            }
            var from = period.MinuteStart(k);
            var to = period.MinuteStart(end);
            if (state != MinuteState.Up)
            {
                outages.Add(new WifiOutage(from, to, state switch
                {
                    MinuteState.BackhaulDown => "backhaul",
                    MinuteState.PortalDown => "portal",
                    _ => "offline",
                }));
            }
            var label = state switch
            {
                MinuteState.Up => "up",
                MinuteState.NoData => "noData",
                _ => "down",
            };
            if (timeline.Count > 0 && timeline[^1].State == label)
            {
                timeline[^1] = timeline[^1] with { End = to }; // backhaul then portal: one "down" span
            }
            else
            {
                timeline.Add(new WifiTimelineSpan(from, to, label));
            }
            k = end;
        }
        return (outages, timeline);
    }
}
