using System.Globalization;

namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>
/// Drives the mains relay from a GPIO line through the sysfs interface (<c>/sys/class/gpio/gpioN</c>).
/// Relay boards that energise on a low level need <paramref name="activeLow"/>.
/// </summary>
/// <remarks>
/// Opening a line that is already exported as an output keeps its level: an agent restarted at night (crash,
/// update, <c>systemctl restart</c>) must not blink the lamp off; the agent sets the decided state on its next tick.
/// Only a line that was not exported or not an output is configured, and then off.
/// </remarks>
public sealed class SysfsGpioRelay : IRelay
{
    private readonly string _valuePath;
    private readonly bool _activeLow;

    public SysfsGpioRelay(int pin, bool activeLow = false, string rootPath = "/sys/class/gpio")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pin);
        var pinText = pin.ToString(CultureInfo.InvariantCulture);
        var pinPath = Path.Combine(rootPath, "gpio" + pinText);
        var exported = Directory.Exists(pinPath);
        if (!exported)
        {
            SysfsFile.Write(Path.Combine(rootPath, "export"), pinText);
            SysfsFile.WaitForDirectory(pinPath);
        }
        _valuePath = Path.Combine(pinPath, "value");
        _activeLow = activeLow;
        var directionPath = Path.Combine(pinPath, "direction");
        // sysfs reads back "in" or "out"; an output keeps driving its level, so leave it alone.
        WasKept = exported && SysfsFile.TryRead(directionPath) == "out";
        if (!WasKept)
        {
            // "low"/"high" set direction and level in one write, so the relay never glitches on while configuring.
            SysfsFile.Write(directionPath, activeLow ? "high" : "low");
        }
    }

    /// <summary>True when the line was already an output at opening and its level was kept.</summary>
    public bool WasKept { get; }

    public bool IsOn => SysfsFile.Read(_valuePath) == (_activeLow ? "0" : "1");

    public void Set(bool on) => SysfsFile.Write(_valuePath, on != _activeLow ? "1" : "0");
}
