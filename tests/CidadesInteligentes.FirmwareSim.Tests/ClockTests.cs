using CidadesInteligentes.FirmwareSim.Clock;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class ClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Simulated_time_is_start_plus_real_elapsed_times_speed()
    {
        var real = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        // a month (30 d = 2 592 000 s) in 10 real minutes needs speed 2 592 000 / 600 = 4320
        var clock = new SimulatedClock(Start, 4320, Start.AddDays(30), real);
        Assert.Equal(Start, clock.GetUtcNow());
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Start.AddSeconds(4320), clock.GetUtcNow()); // 1 h 12 min of simulated time
        real.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(Start.AddDays(15), clock.GetUtcNow()); // 300 s × 4320 = 1 296 000 s = 15 d
    }

    [Fact]
    public void Simulated_time_stops_at_until()
    {
        var real = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var until = Start.AddHours(1);
        var clock = new SimulatedClock(Start, 60, until, real);
        real.Advance(TimeSpan.FromMinutes(2)); // 2 min × 60 = 2 h, past the 1 h limit
        Assert.Equal(until, clock.GetUtcNow());
    }

    [Fact]
    public void Real_delay_until_a_simulated_moment_divides_by_speed()
    {
        var real = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var clock = new SimulatedClock(Start, 100, null, real);
        // 15 simulated minutes ahead at 100× = 9 real seconds
        Assert.Equal(TimeSpan.FromSeconds(9), clock.RealDelayUntil(Start.AddMinutes(15)));
        real.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, clock.RealDelayUntil(Start.AddMinutes(15)));
    }

    [Fact]
    public void Only_a_live_run_is_ahead_of_real_time_and_only_past_the_wall_clock()
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var real = new ManualTimeProvider(now);
        var live = new SimulatedClock(now.AddDays(-30), double.PositiveInfinity, null, real, followRealTime: true);
        Assert.False(live.IsAheadOfRealTime(now.AddMinutes(-15)));
        Assert.False(live.IsAheadOfRealTime(now));
        Assert.True(live.IsAheadOfRealTime(now.AddSeconds(1)));
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.False(live.IsAheadOfRealTime(now.AddSeconds(1)));
        // a run with a fixed end replays at its speed whatever the wall clock says
        Assert.False(new SimulatedClock(now.AddDays(-30), 10, now.AddDays(30), real).IsAheadOfRealTime(now.AddDays(1)));
    }

    [Fact]
    public void Unpaced_clock_never_waits_and_bad_arguments_throw()
    {
        var clock = new SimulatedClock(Start, double.PositiveInfinity, Start.AddDays(1));
        Assert.True(clock.Unpaced);
        Assert.Equal(TimeSpan.Zero, clock.RealDelayUntil(Start.AddDays(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedClock(Start, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedClock(Start, 10, Start.AddSeconds(-1)));
    }

    [Fact]
    public void Fleet_clock_only_moves_forward()
    {
        var clock = new FleetClock(Start);
        clock.AdvanceTo(Start.AddMinutes(1));
        Assert.Equal(Start.AddMinutes(1), clock.GetUtcNow());
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(Start));
    }
}
