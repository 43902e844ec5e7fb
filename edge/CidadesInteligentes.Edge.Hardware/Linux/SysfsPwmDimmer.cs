using System.Globalization;

namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>
/// Dims the LED driver through a kernel PWM channel (<c>/sys/class/pwm/pwmchipN/pwmM</c>): exports the channel if
/// needed, sets the period, then writes the duty cycle for each level. Most 0–10 V / PWM dimming interfaces read
/// a higher duty as brighter; set <paramref name="inverted"/> for those that sink the signal (open collector).
/// </summary>
public sealed class SysfsPwmDimmer : IDimmer
{
    private readonly string _channelPath;
    private readonly long _periodNs;
    private readonly bool _inverted;

    public SysfsPwmDimmer(int chip, int channel, int frequencyHz = 1000, bool inverted = false, string rootPath = "/sys/class/pwm")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chip);
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequencyHz);
        var chipPath = Path.Combine(rootPath, "pwmchip" + chip.ToString(CultureInfo.InvariantCulture));
        if (!Directory.Exists(chipPath))
        {
            throw new IOException($"PWM chip '{chipPath}' does not exist; enable the PWM overlay (dtoverlay=pwm) on the Raspberry Pi.");
        }
        _channelPath = Path.Combine(chipPath, "pwm" + channel.ToString(CultureInfo.InvariantCulture));
        _periodNs = 1_000_000_000L / frequencyHz;
        _inverted = inverted;
        if (!Directory.Exists(_channelPath))
        {
            SysfsFile.Write(Path.Combine(chipPath, "export"), channel.ToString(CultureInfo.InvariantCulture));
            SysfsFile.WaitForDirectory(_channelPath);
        }
        // Duty must not exceed the period at any moment, so clear it before changing the period.
        SysfsFile.Write(Path.Combine(_channelPath, "duty_cycle"), "0");
        SysfsFile.Write(Path.Combine(_channelPath, "period"), _periodNs.ToString(CultureInfo.InvariantCulture));
        SetLevel(0);
        SysfsFile.Write(Path.Combine(_channelPath, "enable"), "1");
    }

    public int LevelPercent { get; private set; }

    public long PeriodNs => _periodNs;

    public void SetLevel(int percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var share = _inverted ? 100 - percent : percent;
        var dutyNs = _periodNs * share / 100;
        SysfsFile.Write(Path.Combine(_channelPath, "duty_cycle"), dutyNs.ToString(CultureInfo.InvariantCulture));
        LevelPercent = percent;
    }
}
