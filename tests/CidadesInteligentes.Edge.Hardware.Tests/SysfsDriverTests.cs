using CidadesInteligentes.Edge.Hardware.Linux;
using Xunit;

namespace CidadesInteligentes.Edge.Hardware.Tests;

public sealed class SysfsDriverTests
{
    [Fact]
    public void Pwm_dimmer_sets_period_enables_and_writes_duty_per_level()
    {
        using var dir = new TempDirectory();
        var channel = Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip0", "pwm1")).FullName;

        var dimmer = new SysfsPwmDimmer(chip: 0, channel: 1, frequencyHz: 1000, rootPath: dir.Path);
        // 1 kHz → period 1 000 000 ns.
        Assert.Equal("1000000", File.ReadAllText(Path.Combine(channel, "period")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(channel, "enable")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(channel, "duty_cycle")));
        Assert.False(File.Exists(Path.Combine(dir.Path, "pwmchip0", "export")));

        dimmer.SetLevel(70);
        Assert.Equal("700000", File.ReadAllText(Path.Combine(channel, "duty_cycle")));
        Assert.Equal(70, dimmer.LevelPercent);
        Assert.Throws<ArgumentOutOfRangeException>(() => dimmer.SetLevel(101));
    }

    [Fact]
    public void Inverted_pwm_writes_the_complement()
    {
        using var dir = new TempDirectory();
        var channel = Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip2", "pwm0")).FullName;
        var dimmer = new SysfsPwmDimmer(2, 0, frequencyHz: 500, inverted: true, rootPath: dir.Path);
        dimmer.SetLevel(30);
        // 500 Hz → 2 000 000 ns; 70 % low time → 1 400 000 ns.
        Assert.Equal("1400000", File.ReadAllText(Path.Combine(channel, "duty_cycle")));
    }

    [Fact]
    public void Pwm_exports_a_missing_channel_and_fails_clearly_when_it_never_appears()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "pwmchip0"));
        var ex = Assert.Throws<IOException>(() => new SysfsPwmDimmer(0, 3, rootPath: dir.Path));
        Assert.Contains("pwm3", ex.Message, StringComparison.Ordinal);
        Assert.Equal("3", File.ReadAllText(Path.Combine(dir.Path, "pwmchip0", "export")));
        Assert.Throws<IOException>(() => new SysfsPwmDimmer(7, 0, rootPath: dir.Path));
    }

    [Fact]
    public void Gpio_relay_configures_output_low_and_switches()
    {
        using var dir = new TempDirectory();
        var pin = Directory.CreateDirectory(Path.Combine(dir.Path, "gpio17")).FullName;
        File.WriteAllText(Path.Combine(pin, "value"), "0");

        var relay = new SysfsGpioRelay(17, rootPath: dir.Path);
        Assert.Equal("low", File.ReadAllText(Path.Combine(pin, "direction")));
        Assert.False(relay.IsOn);
        relay.Set(true);
        Assert.Equal("1", File.ReadAllText(Path.Combine(pin, "value")));
        Assert.True(relay.IsOn);
    }

    [Fact]
    public void Active_low_relay_inverts_levels()
    {
        using var dir = new TempDirectory();
        var pin = Directory.CreateDirectory(Path.Combine(dir.Path, "gpio4")).FullName;
        File.WriteAllText(Path.Combine(pin, "value"), "1");
        var relay = new SysfsGpioRelay(4, activeLow: true, rootPath: dir.Path);
        Assert.Equal("high", File.ReadAllText(Path.Combine(pin, "direction")));
        Assert.False(relay.IsOn);
        relay.Set(true);
        Assert.Equal("0", File.ReadAllText(Path.Combine(pin, "value")));
    }

    [Fact]
    public void I2c_device_reports_a_missing_bus()
    {
        var ex = Assert.Throws<IOException>(() => new LinuxI2cDevice(99, 0x40, "/nonexistent/i2c-"));
        Assert.Contains("/nonexistent/i2c-99", ex.Message, StringComparison.Ordinal);
    }
}
