using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class WifiComplianceTests
{
    // June 2026: 30 days × 1440 = 43,200 minutes from 1 June 00:00 local (03:00Z)
    internal static readonly DateTimeOffset June1 = new(2026, 6, 1, 3, 0, 0, TimeSpan.Zero);
    internal const int Minutes = 43_200;

    internal static CityRecord CityWithPoints(int points = 5)
    {
        var city = TestCities.SaoCarlos();
        city.WifiPoints = Enumerable.Range(1, points)
            .Select(i => new WifiPointRecord { Id = FleetSpec.WifiId("sc", i), Name = $"Praça {i}" }).ToList();
        return city;
    }

    /// <summary>A good minute: up, 20 Mbps down, 5 up, 40 ms, 0 % loss, one client.</summary>
    internal static WifiSample Good(int minute) =>
        new(minute + 1, June1.AddMinutes(minute), true, true, 40, 0, 20, 5, 1, 3);

    internal static WifiPointInput Point(int n, Func<int, WifiSample?> sample, IReadOnlyList<StatusChange>? statuses = null)
    {
        var list = new List<WifiSample>(Minutes);
        for (var k = 0; k < Minutes; k++)
        {
            if (sample(k) is { } s)
            {
                list.Add(s);
            }
        }
        return new WifiPointInput(FleetSpec.WifiId("sc", n), list, statuses);
    }

    private static WifiPointReport Single(Func<int, WifiSample?> sample, IReadOnlyList<StatusChange>? statuses = null) =>
        WifiCompliance.Compute(CityWithPoints(1), "2026-06", [Point(1, sample, statuses)]).Points[0];

    [Fact]
    public void Availability_exactly_95_percent_passes_and_one_minute_less_fails()
    {
        // 5 % of 43,200 = 2,160 minutes may be down
        var edge = Single(k => k < 2160 ? Good(k) with { BackhaulUp = false } : Good(k));
        Assert.Equal(41_040, edge.UpMinutes);
        Assert.Equal(2_160, edge.DownMinutes);
        Assert.Equal(0.95, edge.Availability, 12);
        Assert.True(edge.Compliant, string.Join(",", edge.Failed));

        var below = Single(k => k < 2161 ? Good(k) with { BackhaulUp = false } : Good(k));
        Assert.False(below.Compliant);
        Assert.Equal([WifiFailures.Availability], below.Failed);
        var outage = Assert.Single(below.Outages);
        Assert.Equal("backhaul", outage.Cause);
        Assert.Equal(June1, outage.Start);
        Assert.Equal(June1.AddMinutes(2161), outage.End);
    }

    [Fact]
    public void Median_download_exactly_10_passes_and_just_below_fails()
    {
        // throughput test once an hour: 720 tests; median of an even count = mean of the two middle values
        Assert.True(Single(k => Good(k) with { DownMbps = k % 60 == 0 ? 10 : null }).Compliant);
        var low = Single(k => Good(k) with { DownMbps = k % 60 == 0 ? 9.99 : null });
        Assert.Equal(9.99, low.MedianDownMbps);
        Assert.Equal([WifiFailures.MedianDownMbps], low.Failed);
        // 3 tests 8, 12, 30 → median 12; 4 tests 8, 9, 12, 30 → (9 + 12) / 2 = 10.5
        double?[] four = [8, 9, 12, 30];
        var even = Single(k => Good(k) with { DownMbps = k < 4 ? four[k] : null });
        Assert.Equal(10.5, even.MedianDownMbps);
        var none = Single(k => Good(k) with { DownMbps = null });
        Assert.Null(none.MedianDownMbps);
        Assert.Contains(WifiFailures.MedianDownMbps, none.Failed);
    }

    [Fact]
    public void P95_latency_exactly_150_passes_and_one_more_slow_minute_fails()
    {
        // nearest rank: p95 of 43,200 values is the 41,040th smallest
        var edge = Single(k => Good(k) with { LatencyMs = k < 41_040 ? 150 : 500 });
        Assert.Equal(150, edge.P95LatencyMs);
        Assert.True(edge.Compliant);
        var over = Single(k => Good(k) with { LatencyMs = k < 41_039 ? 150 : 500 });
        Assert.Equal(500, over.P95LatencyMs);
        Assert.Equal([WifiFailures.P95LatencyMs], over.Failed);
    }

    [Fact]
    public void Used_on_half_the_days_passes_and_one_day_less_fails()
    {
        // clients only on the first 15 (then 14) of 30 days
        var edge = Single(k => Good(k) with { Clients = k / 1440 < 15 ? 1 : 0, UniqueClientsToday = k / 1440 < 15 ? 2 : 0 });
        Assert.Equal(15, edge.DaysUsed);
        Assert.Equal(30, edge.DaysInPeriod);
        Assert.True(edge.Compliant);
        var less = Single(k => Good(k) with { Clients = k / 1440 < 14 ? 1 : 0, UniqueClientsToday = k / 1440 < 14 ? 2 : 0 });
        Assert.Equal([WifiFailures.Use], less.Failed);
    }

    [Fact]
    public void Portal_down_within_budget_passes_beyond_it_fails_with_portal_cause()
    {
        var edge = Single(k => k < 2160 ? Good(k) with { PortalOk = false } : Good(k));
        Assert.Equal(2160, edge.PortalDownMinutes);
        Assert.True(edge.Compliant);
        var over = Single(k => k < 2161 ? Good(k) with { PortalOk = false } : Good(k));
        Assert.Equal([WifiFailures.Availability, WifiFailures.Portal], over.Failed);
        Assert.Equal("portal", over.Outages[0].Cause);
    }

    [Fact]
    public void A_report_holds_for_two_intervals_then_minutes_are_no_data()
    {
        // reports at minutes 0..10, then silence until 14: minutes 11 and 12 are carried (60 s and 120 s old
        // at the minute's start), minute 13 (180 s) is no data
        var p = Single(k => k <= 10 || k >= 14 ? Good(k) : null);
        Assert.Equal(1, p.NoDataMinutes);
        Assert.Equal(Minutes - 1, p.UpMinutes);
        var gap = Assert.Single(p.Outages);
        Assert.Equal(("offline", June1.AddMinutes(13), June1.AddMinutes(14)), (gap.Cause, gap.Start, gap.End));
        Assert.Equal(["up", "noData", "up"], p.Timeline.Select(t => t.State));
    }

    [Fact]
    public void Offline_status_stops_the_carry_and_reported_down_is_kept_apart_from_no_data()
    {
        // last report at minute 10; the will (offline) at 10:30; back at minute 20
        StatusChange[] statuses = [new(June1.AddMinutes(10.5), false), new(June1.AddMinutes(20), true)];
        var p = Single(k => k <= 10 || k >= 20 ? (k == 30 ? Good(k) with { BackhaulUp = false } : Good(k)) : null, statuses);
        Assert.Equal(9, p.NoDataMinutes);   // minutes 11..19
        Assert.Equal(1, p.DownMinutes);     // minute 30, reported down
        Assert.Equal(Minutes - 10, p.UpMinutes);
        Assert.Equal(["offline", "backhaul"], p.Outages.Select(o => o.Cause));
    }

    [Fact]
    public void A_point_with_no_telemetry_is_all_no_data_and_fails()
    {
        var report = WifiCompliance.Compute(CityWithPoints(1), "2026-06", []);
        var p = report.Points[0];
        Assert.Equal(Minutes, p.NoDataMinutes);
        Assert.Equal(0, p.Availability);
        Assert.False(p.Compliant);
        Assert.Equal(0, report.Completeness);
    }

    [Fact]
    public void City_is_compliant_with_at_least_the_required_points()
    {
        var city = CityWithPoints(6);
        var good = Enumerable.Range(1, 5).Select(i => Point(i, k => Good(k))).ToList();
        var five = WifiCompliance.Compute(city, "2026-06", [.. good, Point(6, _ => null)]);
        Assert.Equal(5, five.CompliantPoints);
        Assert.True(five.Compliant);
        // 5 points complete, 1 silent: 5/6 of the point-minutes have data
        Assert.Equal(5.0 / 6, five.Completeness, 12);

        var four = WifiCompliance.Compute(city, "2026-06", good.Take(4).ToList());
        Assert.Equal(4, four.CompliantPoints);
        Assert.False(four.Compliant);
        Assert.Equal(5, four.RequiredPoints);
    }

    [Fact]
    public void Digest_is_stable_under_reordering_and_duplicates_and_changes_with_the_data()
    {
        var city = CityWithPoints(2);
        var a = Point(1, k => k % 10 == 0 ? Good(k) : null);
        var b = Point(2, k => k % 7 == 0 ? Good(k) : null);
        var first = WifiCompliance.Compute(city, "2026-06", [a, b]);

        var shuffled = a.Samples.Reverse().Concat(a.Samples.Take(50)).ToList(); // reversed + duplicate deliveries
        var again = WifiCompliance.Compute(city, "2026-06", [b, a with { Samples = shuffled }]);
        Assert.Equal(first.Digest, again.Digest);
        Assert.Equal(64, first.Digest.Length);

        // a conflicting copy of one seq: the canonical copy wins whatever the delivery order
        var conflict = a.Samples[3] with { LatencyMs = 999 };
        var x = WifiCompliance.Compute(city, "2026-06", [a with { Samples = [.. a.Samples, conflict] }, b]);
        var y = WifiCompliance.Compute(city, "2026-06", [a with { Samples = [conflict, .. a.Samples] }, b]);
        Assert.Equal(x.Digest, y.Digest);

        var changed = a.Samples.ToList();
        changed[100] = changed[100] with { LatencyMs = 41 };
        var other = WifiCompliance.Compute(city, "2026-06", [a with { Samples = changed }, b]);
        Assert.NotEqual(first.Digest, other.Digest);
    }

    [Fact]
    public void Until_limits_the_period_to_the_month_so_far()
    {
        var p = WifiCompliance.Compute(CityWithPoints(1), "2026-06", [Point(1, k => k < 1440 ? Good(k) : null)],
            until: June1.AddDays(1)).Points[0];
        Assert.Equal(1440, p.MinutesInPeriod);
        Assert.Equal(1, p.Availability);
        Assert.Equal(1, p.DaysInPeriod);
    }
}
