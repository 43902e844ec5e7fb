namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>Throughput, latency, loss and use of one point over the period.</summary>
internal readonly record struct WifiStatistics(
    double? MedianDownMbps, double? MedianUpMbps, double? P95LatencyMs, double? MeanLossPercent, int MaxClients, int DaysUsed)
{
    public static WifiStatistics Of(WifiSample[] byTime, WifiPeriod period)
    {
        var down = new List<double>();
        var up = new List<double>();
        var latency = new List<double>(byTime.Length);
        double lossSum = 0;
        var lossCount = 0;
        var maxClients = 0;
        var used = new bool[Math.Max(period.Days, 0)];
        foreach (ref readonly var s in byTime.AsSpan())
        {
            var t = s.Ts.UtcTicks;
            if (t < period.StartTicks || t >= period.EndTicks)
            {
                continue;
            }
            if (s.DownMbps is { } d)
            {
                down.Add(d);
            }
            if (s.UpMbps is { } u)
            {
                up.Add(u);
            }
            if (s.LatencyMs is { } l)
            {
                latency.Add(l);
            }
            if (s.LossPercent is { } loss)
            {
                lossSum += loss;
                lossCount++;
            }
            maxClients = Math.Max(maxClients, s.Clients);
            if (s.UniqueClientsToday > 0 || s.Clients > 0)
            {
                var day = period.Month.DayOfTicks(t);
                if (day >= 0 && day < used.Length)
                {
                    used[day] = true;
                }
            }
        }
        return new WifiStatistics(Median(down), Median(up), Percentile95(latency),
            lossCount == 0 ? null : lossSum / lossCount, maxClients, used.Count(static u => u));
    }

    /// <summary>Middle value; the mean of the two middle values for an even count.</summary>
    internal static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary>Nearest-rank 95th percentile: the value at rank ⌈0.95 n⌉.</summary>
    internal static double? Percentile95(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        values.Sort();
        var rank = (int)Math.Ceiling(0.95 * values.Count);
        return values[Math.Clamp(rank, 1, values.Count) - 1];
    }
}
