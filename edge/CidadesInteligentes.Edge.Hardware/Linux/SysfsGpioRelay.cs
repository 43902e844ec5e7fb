using System.Globalization;

namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>
/// Drives the mains relay from a GPIO line through the sysfs interface (<c>/sys/class/gpio/gpioN</c>).
/// Relay boards that energise on a low level need <paramref name="activeLow"/>.
/// </summary>
public sealed class SysfsGpioRelay : IRelay
{
    private readonly string _valuePath;
    private readonly bool _activeLow;

    public SysfsGpioRelay(int pin, bool activeLow = false, string rootPath = "/sys/class/gpio")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pin);
        var pinText = pin.ToString(CultureInfo.InvariantCulture);
        var pinPath = Path.Combine(rootPath, "gpio" + pinText);
        if (!Directory.Exists(pinPath))
        {
            SysfsFile.Write(Path.Combine(rootPath, "export"), pinText);
            SysfsFile.WaitForDirectory(pinPath);
        }
        _valuePath = Path.Combine(pinPath, "value");
        _activeLow = activeLow;
        // "low"/"high" set direction and level in one write, so the relay never glitches on while configuring.
        SysfsFile.Write(Path.Combine(pinPath, "direction"), activeLow ? "high" : "low");
    }

    public bool IsOn => SysfsFile.Read(_valuePath) == (_activeLow ? "0" : "1");

    public void Set(bool on) => SysfsFile.Write(_valuePath, on != _activeLow ? "1" : "0");
}
