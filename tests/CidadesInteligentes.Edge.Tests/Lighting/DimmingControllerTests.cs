using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Lighting;

public sealed class DimmingControllerTests
{
    // São Carlos, 2026-11-22: sunset 18:36:01 → switch on 18:26:01, photocell window 17:56:01–18:56:01;
    // 2026-11-23: sunrise 05:19:29 → switch off 05:29:29, window 04:59:29–05:59:29 (NOAA, local UTC−3).
    private const double Lat = -22.0175;
    private const double Lon = -47.8908;

    private static DateTimeOffset Local(int day, int hour, int minute) => new(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(-3));

    private static DimmingController Controller(DimmingProgram? program = null) => new(program ?? DimmingProgram.Default(), Lat, Lon);

    [Fact]
    public void Follows_sunset_and_sunrise_with_offsets_and_dims_by_local_time()
    {
        var c = Controller();
        Assert.False(c.Decide(Local(22, 18, 25), null, null).LampOn);
        Assert.Equal(new DimmingDecision(true, 100, DecisionReasons.Schedule), c.Decide(Local(22, 18, 27), null, null));
        Assert.Equal(70, c.Decide(Local(22, 22, 30), null, null).DimPercent);
        Assert.Equal(50, c.Decide(Local(23, 1, 0), null, null).DimPercent);
        Assert.Equal(100, c.Decide(Local(23, 5, 10), null, null).DimPercent);
        Assert.True(c.Decide(Local(23, 5, 29), null, null).LampOn);
        Assert.False(c.Decide(Local(23, 5, 30), null, null).LampOn);
        Assert.False(c.Decide(Local(23, 12, 0), null, null).LampOn);
    }

    [Fact]
    public void Photocell_moves_the_evening_switch_only_inside_its_window_with_hysteresis()
    {
        var c = Controller();
        // Before the window a dark sky (storm) does nothing.
        Assert.False(c.Decide(Local(22, 17, 50), 5, null).LampOn);
        // Inside the window: 10 lx < 20 → on early.
        Assert.Equal(new DimmingDecision(true, 100, DecisionReasons.Photocell), c.Decide(Local(22, 18, 0), 10, null));
        // 30 lx is between 20 and 40: stays on (hysteresis).
        Assert.True(c.Decide(Local(22, 18, 5), 30, null).LampOn);
        // 50 lx > 40, but on since 18:00 and the minimum on time is 15 min.
        Assert.Equal(DecisionReasons.MinimumOn, c.Decide(Local(22, 18, 10), 50, null).Reason);
        Assert.Equal(new DimmingDecision(false, 0, DecisionReasons.Photocell), c.Decide(Local(22, 18, 20), 50, null));
        // 30 lx while off does not switch on (needs < 20).
        Assert.False(c.Decide(Local(22, 18, 30), 30, null).LampOn);
        // After the window the schedule rules even with a bright (dirty or lit) photocell.
        Assert.Equal(new DimmingDecision(true, 100, DecisionReasons.Schedule), c.Decide(Local(22, 18, 57), 500, null));
    }

    [Fact]
    public void Photocell_switches_off_early_in_the_morning_window_but_not_before_it()
    {
        var c = Controller();
        Assert.True(c.Decide(Local(22, 23, 0), 0, null).LampOn);
        Assert.True(c.Decide(Local(23, 4, 50), 60, null).LampOn);
        Assert.Equal(new DimmingDecision(false, 0, DecisionReasons.Photocell), c.Decide(Local(23, 5, 5), 60, null));
        // A cloud at 05:20 (15 lx < 20) switches it back on inside the window...
        Assert.True(c.Decide(Local(23, 5, 20), 15, null).LampOn);
        // ...and after the window the lamp is off whatever the sensor says, once the minimum on time is over.
        Assert.False(c.Decide(Local(23, 6, 0), 0, null).LampOn);
    }

    [Fact]
    public void Override_wins_until_it_expires_and_level_zero_holds_the_lamp_off()
    {
        var c = Controller();
        var daytime = new LightingOverride(40, Local(22, 15, 0));
        Assert.Equal(new DimmingDecision(true, 40, DecisionReasons.Override), c.Decide(Local(22, 14, 0), 5000, daytime));
        // Expired: the program (off by day) again; the override bypassed nothing permanent.
        Assert.False(c.Decide(Local(22, 15, 0), 5000, daytime).LampOn);

        // A one-minute override by day does not leave the lamp on for the program's minimum on time.
        var brief = new LightingOverride(100, Local(22, 16, 1));
        Assert.True(c.Decide(Local(22, 16, 0), 5000, brief).LampOn);
        Assert.Equal(new DimmingDecision(false, 0, DecisionReasons.Schedule), c.Decide(Local(22, 16, 1), 5000, brief));

        var blackout = new LightingOverride(0, Local(22, 23, 30));
        Assert.Equal(new DimmingDecision(false, 0, DecisionReasons.Override), c.Decide(Local(22, 23, 0), 0, blackout));
        Assert.Equal(new DimmingDecision(true, 70, DecisionReasons.Schedule), c.Decide(Local(22, 23, 30), 0, blackout));
    }

    [Fact]
    public void Fixed_switch_times_and_a_zero_step_switch_the_lamp()
    {
        var program = new DimmingProgram
        {
            SwitchOn = new SwitchPoint { At = "19:00" },
            SwitchOff = new SwitchPoint { At = "06:00" },
            Photocell = null,
            MinimumOnMin = 0,
            Steps = [new DimStep { From = "02:00", DimPercent = 0 }, new DimStep { From = "04:00", DimPercent = 60 }],
        };
        var c = Controller(program);
        Assert.False(c.Decide(Local(22, 18, 59), null, null).LampOn);
        // 19:00 is before the first step of the day: last night's latest step (04:00 → 60 %) still holds.
        Assert.Equal(new DimmingDecision(true, 60, DecisionReasons.Schedule), c.Decide(Local(22, 19, 0), null, null));
        Assert.Equal(new DimmingDecision(false, 0, DecisionReasons.StepOff), c.Decide(Local(23, 3, 0), null, null));
        Assert.Equal(60, c.Decide(Local(23, 5, 59), null, null).DimPercent);
        Assert.False(c.Decide(Local(23, 6, 0), null, null).LampOn);
    }

    [Fact]
    public void Rejects_an_invalid_program_listing_every_problem()
    {
        var program = new DimmingProgram
        {
            TimeZone = "Mars/Olympus",
            SwitchOn = new SwitchPoint { At = "dusk" },
            Photocell = new PhotocellRule { OnBelowLux = 50, OffAboveLux = 40 },
            Steps = [new DimStep { From = "25:00", DimPercent = 120 }],
        };
        var problems = ProgramValidator.Validate(program);
        Assert.Equal(5, problems.Count);
        var ex = Assert.Throws<ArgumentException>(() => Controller(program));
        Assert.Contains("Mars/Olympus", ex.Message, StringComparison.Ordinal);
    }
}
