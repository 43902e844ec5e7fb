using CidadesInteligentes.Cloud.Domain.Registry;

namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>One point's minute states, statistics and verdict.</summary>
internal static class WifiPointAnalyzer
{
    // tolerance for ratio comparisons so a point exactly at a threshold passes despite binary fractions
    private const double Epsilon = 1e-9;
    private const byte Reported = 0x80;

    /// <summary>Samples ordered by seq with duplicates (same seq) once.</summary>
    public static WifiSample[] Prepare(IReadOnlyList<WifiSample>? raw)
    {
        if (raw is null || raw.Count == 0)
        {
            return [];
        }
        var arr = raw.ToArray();
        if (!IsSorted(arr, bySeq: true))
        {
            Array.Sort(arr, static (a, b) => a.Seq.CompareTo(b.Seq));
        }
        // duplicates count once; if two copies of a seq differ, keep the canonical (smallest) one so the
        // result and the digest do not depend on delivery order
        var w = 1;
        for (var i = 1; i < arr.Length; i++)
        {
            if (arr[i].Seq != arr[w - 1].Seq)
            {
                arr[w++] = arr[i];
            }
            else if (Canonical(arr[i], arr[w - 1]) < 0)
            {
                arr[w - 1] = arr[i];
            }
        }
        return w == arr.Length ? arr : arr[..w];
    }

    public static WifiPointReport Analyze(WifiPointRecord point, WifiSample[] bySeq, StatusChange[] statuses,
        WifiPeriod period, WifiThresholds t, byte[] states)
    {
        var n = period.Minutes;
        var byTime = bySeq;
        if (!IsSorted(bySeq, bySeq: false))
        {
            byTime = (WifiSample[])bySeq.Clone();
            Array.Sort(byTime, static (a, b) => a.Ts.UtcTicks.CompareTo(b.Ts.UtcTicks));
        }
        FillMinutes(byTime, statuses, period, states);
        int up = 0, down = 0, noData = 0, portalDown = 0;
        for (var k = 0; k < n; k++)
        {
            switch ((MinuteState)(states[k] & ~Reported))
            {
                case MinuteState.Up: up++; break;
                case MinuteState.NoData: noData++; break;
                case MinuteState.PortalDown: portalDown++; down++; break;
                default: down++; break;
            }
        }
        var stats = WifiStatistics.Of(byTime, period);
        var availability = n == 0 ? 0 : up / (double)n;
        var failed = new List<string>(5);
        if (availability + Epsilon < t.MinAvailability)
        {
            failed.Add(WifiFailures.Availability);
        }
        if (stats.MedianDownMbps is not { } med || med < t.MinMedianDownMbps)
        {
            failed.Add(WifiFailures.MedianDownMbps);
        }
        if (stats.P95LatencyMs is not { } p95 || p95 > t.MaxP95LatencyMs)
        {
            failed.Add(WifiFailures.P95LatencyMs);
        }
        if (t.RequirePortal && portalDown > (1 - t.MinAvailability) * n + Epsilon)
        {
            failed.Add(WifiFailures.Portal);
        }
        var days = period.Days;
        if (days == 0 || stats.DaysUsed / (double)days + Epsilon < t.MinUsedDays)
        {
            failed.Add(WifiFailures.Use);
        }
        var (outages, timeline) = WifiRuns.Of(states, period);
        return new WifiPointReport
        {
            Device = point.Id,
            Name = point.Name,
            Availability = availability,
            UpMinutes = up,
            DownMinutes = down,
            NoDataMinutes = noData,
            PortalDownMinutes = portalDown,
            MinutesInPeriod = n,
            MedianDownMbps = stats.MedianDownMbps,
            MedianUpMbps = stats.MedianUpMbps,
            P95LatencyMs = stats.P95LatencyMs,
            MeanLossPercent = stats.MeanLossPercent,
            MaxClients = stats.MaxClients,
            DaysUsed = stats.DaysUsed,
            DaysInPeriod = days,
            Compliant = failed.Count == 0,
            Failed = failed,
            Outages = outages,
            Timeline = timeline,
        };
    }

    private static int Canonical(in WifiSample a, in WifiSample b)
    {
        var c = a.Ts.UtcTicks.CompareTo(b.Ts.UtcTicks);
        if (c == 0) { c = a.BackhaulUp.CompareTo(b.BackhaulUp); }
        if (c == 0) { c = a.PortalOk.CompareTo(b.PortalOk); }
        if (c == 0) { c = Nullable.Compare(a.LatencyMs, b.LatencyMs); }
        if (c == 0) { c = Nullable.Compare(a.LossPercent, b.LossPercent); }
        if (c == 0) { c = Nullable.Compare(a.DownMbps, b.DownMbps); }
        if (c == 0) { c = Nullable.Compare(a.UpMbps, b.UpMbps); }
        if (c == 0) { c = a.Clients.CompareTo(b.Clients); }
        if (c == 0) { c = a.UniqueClientsToday.CompareTo(b.UniqueClientsToday); }
        return c;
    }

    private static bool IsSorted(WifiSample[] arr, bool bySeq)
    {
        for (var i = 1; i < arr.Length; i++)
        {
            if (bySeq ? arr[i].Seq < arr[i - 1].Seq : arr[i].Ts.UtcTicks < arr[i - 1].Ts.UtcTicks)
            {
                return false;
            }
        }
        return true;
    }

    private static MinuteState StateOf(in WifiSample s) =>
        !s.BackhaulUp ? MinuteState.BackhaulDown : !s.PortalOk ? MinuteState.PortalDown : MinuteState.Up;

    // severity when several reports fall in one minute: the worst wins
    private static int Severity(MinuteState s) => s switch
    {
        MinuteState.BackhaulDown => 3,
        MinuteState.PortalDown => 2,
        MinuteState.Up => 1,
        _ => 0,
    };

    private static void FillMinutes(WifiSample[] byTime, StatusChange[] statuses, WifiPeriod period, byte[] states)
    {
        var n = period.Minutes;
        Array.Clear(states, 0, n);
        var start = period.StartTicks;
        foreach (ref readonly var s in byTime.AsSpan())
        {
            var k = (s.Ts.UtcTicks - start) / TimeSpan.TicksPerMinute;
            if (s.Ts.UtcTicks < start || k >= n)
            {
                continue;
            }
            var state = StateOf(s);
            var existing = states[k];
            if ((existing & Reported) == 0 || Severity(state) > Severity((MinuteState)(existing & ~Reported)))
            {
                states[k] = (byte)((byte)state | Reported);
            }
        }
        // unreported minutes: the last report holds for 2 intervals unless the device has since gone offline
        int si = -1, st = -1;
        for (var k = 0; k < n; k++)
        {
            var minuteStart = start + k * TimeSpan.TicksPerMinute;
            while (si + 1 < byTime.Length && byTime[si + 1].Ts.UtcTicks <= minuteStart)
            {
                si++;
            }
            while (st + 1 < statuses.Length && statuses[st + 1].Ts.UtcTicks <= minuteStart)
            {
                st++;
            }
            if ((states[k] & Reported) != 0 || si < 0)
            {
                continue;
            }
            var last = byTime[si];
            var offlineSince = st >= 0 && !statuses[st].Online && statuses[st].Ts.UtcTicks >= last.Ts.UtcTicks;
            if (!offlineSince && minuteStart - last.Ts.UtcTicks <= period.ValidityTicks)
            {
                states[k] = (byte)StateOf(last);
            }
        }
    }
}
