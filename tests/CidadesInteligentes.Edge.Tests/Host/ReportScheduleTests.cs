using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>The worker's report and throughput-test schedule, built from settings as the worker builds it, on a manual clock.</summary>
public sealed class ReportScheduleTests
{
    private static readonly Dictionary<string, string> NoAliases = new(StringComparer.Ordinal);

    private static EdgeSettings Settings(string kind, params string[] extra)
    {
        var config = new EdgeConfig().AddCommandLine(
            ["--Device:Id", "sc-dev-000001", "--Device:City", "3548906", "--Device:Kind", kind, "--Device:Latitude", "-22",
             "--Device:Longitude", "-47", "--Mqtt:Password", "a-long-enough-secret", .. extra], NoAliases);
        var settings = EdgeSettingsBinder.Bind(config, out var problems);
        Assert.Empty(problems);
        return settings;
    }

    [Fact]
    public void Telemetry_goes_out_every_sixty_seconds_unless_configured()
    {
        Assert.Equal(60, Settings("luminaire").Telemetry.IntervalSeconds);
        Assert.Equal(60, Settings("hotspot").Hotspot.ThroughputEveryMinutes);
        Assert.Equal(TimeSpan.FromSeconds(60), ReportSchedule.For(Settings("hotspot"), DateTimeOffset.UnixEpoch).Interval);
        Assert.Equal(TimeSpan.FromSeconds(300), ReportSchedule.For(Settings("luminaire", "--Telemetry:IntervalSeconds", "300"), DateTimeOffset.UnixEpoch).Interval);
        // the agents' own defaults agree
        var time = new ManualTimeProvider();
        Assert.Equal(TimeSpan.FromSeconds(60), new LuminaireAgentOptions(new DeviceIdentity("sc-lum-000001", "3548906", DeviceKind.Luminaire, "1.0.0"), -22, -47).EffectiveTelemetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), new HotspotAgent(new DeviceIdentity("sc-wifi-000001", "3548906", DeviceKind.Hotspot, "1.0.0"), new MemoryOutbox(), null, time).TelemetryInterval);
    }

    [Fact]
    public void A_luminaire_stepping_every_second_reports_on_the_minute_and_never_runs_the_throughput_test()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var schedule = ReportSchedule.For(Settings("luminaire"), start);
        var reports = new List<int>();
        for (var i = 0; i < 600; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            if (schedule.TryTake(time.GetUtcNow(), out var throughput))
            {
                Assert.False(throughput);
                reports.Add((int)(time.GetUtcNow() - start).TotalSeconds);
            }
        }
        Assert.Equal([60, 120, 180, 240, 300, 360, 420, 480, 540, 600], reports);
    }

    [Fact]
    public void A_hotspot_runs_the_throughput_test_on_its_first_report_and_then_once_an_hour_by_default()
    {
        // The worker's loop: wait a quarter of the interval, probe (which takes up to 6 s), then ask the schedule.
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var schedule = ReportSchedule.For(Settings("hotspot"), start);
        var random = new Random(3548906);
        var reports = new List<TimeSpan>();
        var tests = new List<TimeSpan>();
        while (time.GetUtcNow() - start < TimeSpan.FromHours(3))
        {
            time.Advance(TimeSpan.FromSeconds(15) + TimeSpan.FromMilliseconds(random.Next(6000)));
            if (schedule.TryTake(time.GetUtcNow(), out var throughput))
            {
                reports.Add(time.GetUtcNow() - start);
                if (throughput)
                {
                    tests.Add(time.GetUtcNow() - start);
                }
            }
        }
        // One report per minute of the grid, each at the first check after its minute: slow probes do not shift the grid.
        Assert.Equal(180, reports.Count);
        for (var k = 0; k < reports.Count; k++)
        {
            Assert.InRange(reports[k], TimeSpan.FromSeconds(60 * (k + 1)), TimeSpan.FromSeconds((60 * (k + 1)) + 21));
        }
        // The test: with the first report, then with the first report of each following hour.
        Assert.Equal(3, tests.Count);
        Assert.Equal(reports[0], tests[0]);
        Assert.Equal([reports[60], reports[120]], tests.Skip(1));
    }

    [Fact]
    public void A_throughput_period_shorter_than_the_interval_runs_the_test_with_every_report()
    {
        var time = new ManualTimeProvider();
        var schedule = ReportSchedule.For(Settings("hotspot", "--Telemetry:IntervalSeconds", "300", "--Hotspot:ThroughputEveryMinutes", "1"), time.GetUtcNow());
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(299));
            Assert.False(schedule.TryTake(time.GetUtcNow(), out _));
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(schedule.TryTake(time.GetUtcNow(), out var throughput));
            Assert.True(throughput);
        }
    }

    [Fact]
    public void A_clock_jump_gives_one_report_and_restarts_the_grid_instead_of_bursting()
    {
        var time = new ManualTimeProvider();
        var schedule = new ReportSchedule(time.GetUtcNow(), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(60));
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(schedule.TryTake(time.GetUtcNow(), out var first));
        Assert.True(first);

        time.Advance(TimeSpan.FromHours(5)); // NTP corrected a clock that was hours behind
        Assert.True(schedule.TryTake(time.GetUtcNow(), out var afterJump));
        Assert.True(afterJump); // more than an hour since the last test
        Assert.False(schedule.TryTake(time.GetUtcNow(), out _)); // not the 300 missed reports
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(schedule.TryTake(time.GetUtcNow(), out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(schedule.TryTake(time.GetUtcNow(), out var next));
        Assert.False(next);
    }

    [Fact]
    public void A_clock_set_back_keeps_reporting_every_interval_instead_of_waiting_for_the_old_schedule()
    {
        // A clock that ran a day ahead (a wrong RTC, a bad time source) is set back by NTP after the start: the next
        // report was due a day ahead of the corrected clock, and telemetry stopped for that day.
        var start = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var schedule = new ReportSchedule(start, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(60));
        Assert.True(schedule.TryTake(start.AddSeconds(60), out var first));
        Assert.True(first);

        var corrected = start.AddDays(-1).AddSeconds(61);
        Assert.False(schedule.TryTake(corrected, out _)); // no extra report at the step itself
        Assert.False(schedule.TryTake(corrected.AddSeconds(59), out _));
        Assert.True(schedule.TryTake(corrected.AddSeconds(60), out var next));
        Assert.False(next); // the throughput test keeps its hour, counted on the corrected clock
        Assert.True(schedule.TryTake(corrected.AddSeconds(120), out _));
        Assert.True(schedule.TryTake(corrected.AddMinutes(60), out var hourly));
        Assert.True(hourly);
    }
}
