using CidadesInteligentes.Cloud.Domain.Wifi;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class WifiStatisticsTests
{
    // June 2026 in São Paulo: local midnight 1 June = 03:00Z (UTC−3); the period is the whole month, 30 × 1440 minutes
    private static readonly DateTimeOffset June1 = new(2026, 6, 1, 3, 0, 0, TimeSpan.Zero);
    private static readonly WifiPeriod June = new(LocalMonth.Parse("2026-06"), 30 * 1440, TimeSpan.TicksPerHour);

    private static WifiSample Sample(DateTimeOffset ts, double? up, double? loss) =>
        new(0, ts, BackhaulUp: true, PortalOk: true, LatencyMs: 20, LossPercent: loss, DownMbps: 50, UpMbps: up, Clients: 0, UniqueClientsToday: 0);

    [Fact]
    public void Median_upload_and_mean_loss_use_only_reported_values_inside_the_period()
    {
        WifiSample[] samples =
        [
            Sample(June1.AddHours(-1), up: 100, loss: 50),   // 31 May 23:00 local: before the period, ignored
            Sample(June1.AddHours(1), up: 9, loss: 0),
            Sample(June1.AddHours(2), up: 3, loss: 2.5),
            Sample(June1.AddHours(3), up: null, loss: null), // no throughput test, no loss probe
            Sample(June1.AddHours(4), up: 7, loss: 1),
            Sample(June1.AddHours(5), up: 5, loss: null),
            Sample(June1.AddDays(30), up: 100, loss: 50),    // 1 July 00:00 local: the period's end is exclusive
        ];

        var s = WifiStatistics.Of(samples, June);

        // uploads in the period: 9, 3, 7, 5 → sorted 3, 5, 7, 9; even count → mean of the middle two (5 + 7) / 2 = 6
        Assert.Equal(6, s.MedianUpMbps);
        // losses reported in the period: 0, 2.5, 1 (a reported 0 % counts) → (0 + 2.5 + 1) / 3 = 3.5 / 3 = 1.1666…
        Assert.Equal(3.5 / 3, s.MeanLossPercent!.Value, 12);
    }

    [Fact]
    public void Median_upload_of_an_odd_count_is_the_middle_value_and_no_loss_probe_gives_no_mean()
    {
        WifiSample[] samples =
        [
            Sample(June1.AddHours(1), up: 8, loss: null),
            Sample(June1.AddHours(2), up: 2, loss: null),
            Sample(June1.AddHours(3), up: 4.5, loss: null),
        ];

        var s = WifiStatistics.Of(samples, June);

        // 8, 2, 4.5 → sorted 2, 4.5, 8; odd count → the middle value 4.5
        Assert.Equal(4.5, s.MedianUpMbps);
        // no sample reported loss: no mean (not 0 %, which would claim a perfect link)
        Assert.Null(s.MeanLossPercent);
    }

    [Fact]
    public void No_upload_test_in_the_period_gives_no_median()
    {
        var s = WifiStatistics.Of([Sample(June1.AddHours(1), up: null, loss: 1)], June);
        Assert.Null(s.MedianUpMbps);
        Assert.Equal(1, s.MeanLossPercent);
    }
}
