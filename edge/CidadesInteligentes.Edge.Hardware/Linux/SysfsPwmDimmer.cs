using System.Globalization;

namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>
/// Dims the LED driver through a kernel PWM channel (<c>/sys/class/pwm/pwmchipN/pwmM</c>): exports the channel if
/// needed, sets the period, then writes the duty cycle for each level. Most 0–10 V / PWM dimming interfaces read
/// a higher duty as brighter; set <paramref name="inverted"/> for those that sink the signal (open collector).
/// A channel that is already exported and enabled keeps its duty at opening (an agent restart must not blink the
/// lamp); only a channel not yet exported or not enabled starts at duty 0.
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
        var exported = Directory.Exists(_channelPath);
        if (!exported)
        {
            SysfsFile.Write(Path.Combine(chipPath, "export"), channel.ToString(CultureInfo.InvariantCulture));
            SysfsFile.WaitForDirectory(_channelPath);
        }
        if (exported && TryReadRunning(out var runningPeriodNs, out var runningDutyNs))
        {
            Keep(runningPeriodNs, runningDutyNs);
            return;
        }
        // Duty must not exceed the period at any moment, so clear it before changing the period.
        SysfsFile.Write(Path.Combine(_channelPath, "duty_cycle"), "0");
        SysfsFile.Write(Path.Combine(_channelPath, "period"), _periodNs.ToString(CultureInfo.InvariantCulture));
        SetLevel(0);
        SysfsFile.Write(Path.Combine(_channelPath, "enable"), "1");
    }

    /// <summary>True when the channel was already enabled at opening and its light level was kept.</summary>
    public bool WasKept { get; private set; }

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

    private bool TryReadRunning(out long periodNs, out long dutyNs)
    {
        periodNs = 0;
        dutyNs = 0;
        return SysfsFile.TryRead(Path.Combine(_channelPath, "enable")) == "1"
            && TryReadNs("period", out periodNs)
            && TryReadNs("duty_cycle", out dutyNs)
            && periodNs > 0
            && dutyNs <= periodNs;
    }

    private bool TryReadNs(string attribute, out long value) =>
        long.TryParse(SysfsFile.TryRead(Path.Combine(_channelPath, attribute)), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// Keeps the light level of a channel that is already running (the agent restarted while the lamp was lit).
    /// With our period nothing is written; with another period the same share is moved to ours, in the order that
    /// keeps the duty within the period.
    /// </summary>
    private void Keep(long runningPeriodNs, long runningDutyNs)
    {
        var share = (int)Math.Round(runningDutyNs * 100.0 / runningPeriodNs, MidpointRounding.AwayFromZero);
        LevelPercent = _inverted ? 100 - share : share;
        WasKept = true;
        if (runningPeriodNs == _periodNs)
        {
            return;
        }
        var dutyNs = (_periodNs * share / 100).ToString(CultureInfo.InvariantCulture);
        var periodNs = _periodNs.ToString(CultureInfo.InvariantCulture);
        if (_periodNs > runningPeriodNs)
        {
            SysfsFile.Write(Path.Combine(_channelPath, "period"), periodNs);
            SysfsFile.Write(Path.Combine(_channelPath, "duty_cycle"), dutyNs);
        }
        else
        {
            SysfsFile.Write(Path.Combine(_channelPath, "duty_cycle"), dutyNs);
            SysfsFile.Write(Path.Combine(_channelPath, "period"), periodNs);
        }
    }
}
