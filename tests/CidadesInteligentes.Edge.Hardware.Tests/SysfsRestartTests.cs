using CidadesInteligentes.Edge.Hardware.Linux;
using Xunit;

namespace CidadesInteligentes.Edge.Hardware.Tests;

/// <summary>Opening the Linux drivers after an agent restart keeps the lamp as it was (no blink at night).</summary>
public sealed class SysfsRestartTests
{
    private static readonly DateTime Old = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static string Attribute(string dir, string name, string value)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, value);
        File.SetLastWriteTimeUtc(path, Old);
        return path;
    }

    private static void AssertUntouched(string path, string value)
    {
        Assert.Equal(value, File.ReadAllText(path));
        Assert.Equal(Old, File.GetLastWriteTimeUtc(path));
    }

    [Theory]
    [InlineData(false, "1")]
    [InlineData(true, "0")]
    public void Relay_exported_as_output_and_on_stays_on_without_any_write(bool activeLow, string onLevel)
    {
        using var dir = new TempDirectory();
        var pin = Directory.CreateDirectory(Path.Combine(dir.Path, "gpio17")).FullName;
        var value = Attribute(pin, "value", onLevel);
        var direction = Attribute(pin, "direction", "out");

        var relay = new SysfsGpioRelay(17, activeLow, rootPath: dir.Path);

        Assert.True(relay.WasKept);
        Assert.True(relay.IsOn);
        AssertUntouched(value, onLevel);
        AssertUntouched(direction, "out");
        Assert.False(File.Exists(Path.Combine(dir.Path, "export")));
        relay.Set(false);
        Assert.False(relay.IsOn);
    }

    [Fact]
    public void Relay_exported_as_input_is_configured_off()
    {
        using var dir = new TempDirectory();
        var pin = Directory.CreateDirectory(Path.Combine(dir.Path, "gpio17")).FullName;
        Attribute(pin, "value", "0");
        Attribute(pin, "direction", "in");

        var relay = new SysfsGpioRelay(17, rootPath: dir.Path);

        Assert.False(relay.WasKept);
        Assert.Equal("low", File.ReadAllText(Path.Combine(pin, "direction")));
    }

    [Fact]
    public void Relay_not_exported_is_exported_and_configured_off()
    {
        using var dir = new TempDirectory();
        // The fake kernel never creates gpio5, so the export is written and the wait fails clearly.
        var ex = Assert.Throws<IOException>(() => new SysfsGpioRelay(5, rootPath: dir.Path));
        Assert.Contains("gpio5", ex.Message, StringComparison.Ordinal);
        Assert.Equal("5", File.ReadAllText(Path.Combine(dir.Path, "export")));
    }

    [Fact]
    public void Pwm_enabled_keeps_its_duty_and_reports_the_level()
    {
        using var dir = new TempDirectory();
        var channel = Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip0", "pwm0")).FullName;
        var enable = Attribute(channel, "enable", "1");
        var period = Attribute(channel, "period", "1000000");
        var duty = Attribute(channel, "duty_cycle", "700000");

        var dimmer = new SysfsPwmDimmer(0, 0, frequencyHz: 1000, rootPath: dir.Path);

        Assert.True(dimmer.WasKept);
        Assert.Equal(70, dimmer.LevelPercent);
        AssertUntouched(duty, "700000");
        AssertUntouched(period, "1000000");
        AssertUntouched(enable, "1");
        dimmer.SetLevel(40);
        Assert.Equal("400000", File.ReadAllText(duty));
    }

    [Fact]
    public void Inverted_pwm_enabled_reports_the_complement_level()
    {
        using var dir = new TempDirectory();
        var channel = Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip0", "pwm0")).FullName;
        Attribute(channel, "enable", "1");
        Attribute(channel, "period", "1000000");
        var duty = Attribute(channel, "duty_cycle", "300000");

        var dimmer = new SysfsPwmDimmer(0, 0, inverted: true, rootPath: dir.Path);

        Assert.Equal(70, dimmer.LevelPercent);
        AssertUntouched(duty, "300000");
    }

    [Theory]
    [InlineData("500000", "350000")] // 2 kHz running, 1 kHz wanted: period grows first
    [InlineData("2000000", "1400000")] // 500 Hz running: duty shrinks first
    public void Pwm_enabled_with_another_period_keeps_the_level_at_our_period(string runningPeriod, string runningDuty)
    {
        using var dir = new TempDirectory();
        var channel = Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip0", "pwm0")).FullName;
        Attribute(channel, "enable", "1");
        Attribute(channel, "period", runningPeriod);
        Attribute(channel, "duty_cycle", runningDuty);

        var dimmer = new SysfsPwmDimmer(0, 0, frequencyHz: 1000, rootPath: dir.Path);

        Assert.Equal(70, dimmer.LevelPercent);
        Assert.Equal("1000000", File.ReadAllText(Path.Combine(channel, "period")));
        Assert.Equal("700000", File.ReadAllText(Path.Combine(channel, "duty_cycle")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData(null)]
    public void Pwm_exported_but_not_enabled_starts_at_zero(string? enabled)
    {
        using var dir = new TempDirectory();
        var channel = Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip0", "pwm0")).FullName;
        if (enabled is not null)
        {
            Attribute(channel, "enable", enabled);
        }
        Attribute(channel, "period", "1000000");
        Attribute(channel, "duty_cycle", "700000");

        var dimmer = new SysfsPwmDimmer(0, 0, rootPath: dir.Path);

        Assert.False(dimmer.WasKept);
        Assert.Equal(0, dimmer.LevelPercent);
        Assert.Equal("0", File.ReadAllText(Path.Combine(channel, "duty_cycle")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(channel, "enable")));
    }

    [Fact]
    public void Pwm_not_exported_is_exported_and_starts_at_zero()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip0"));
        // The fake kernel never creates pwm2: the export is written and the driver does not adopt anything.
        Assert.Throws<IOException>(() => new SysfsPwmDimmer(0, 2, rootPath: dir.Path));
        Assert.Equal("2", File.ReadAllText(Path.Combine(dir.Path, "pwmchip0", "export")));
    }
}
