using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using CidadesInteligentes.Edge.Core;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Linux;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// <c>doctor</c>: checks a pole's installation and prints one <c>PASS</c>/<c>FAIL</c>/<c>SKIP</c> line per check —
/// configuration, state directory, clock synchronisation, broker reachability, each sensor. Exit code 1 on any FAIL.
/// </summary>
internal static class Doctor
{
    public static async Task<int> RunAsync(EdgeConfig config, TextWriter output)
    {
        var failures = 0;
        void Line(string verdict, string check, string detail)
        {
            if (verdict == "FAIL")
            {
                failures++;
            }
            output.WriteLine($"{verdict} {check}: {detail}");
        }

        var settings = EdgeSettingsBinder.Bind(config, out var problems);
        if (problems.Count == 0)
        {
            Line("PASS", "configuration", $"{settings.Device.Kind} {settings.Device.Id} in {Telemetry.Municipalities.NameOf(settings.Device.City)} ({settings.Device.City})");
        }
        foreach (var p in problems)
        {
            Line("FAIL", "configuration", p);
        }

        if (string.IsNullOrWhiteSpace(settings.Device.StateDirectory))
        {
            Line("FAIL", "state directory", "Device:StateDirectory is empty: set the agent's state directory (default /var/lib/cidades-inteligentes)");
        }
        else
        {
            try
            {
                Directory.CreateDirectory(settings.Device.StateDirectory);
                var probe = Path.Combine(settings.Device.StateDirectory, ".doctor-write-test");
                await File.WriteAllTextAsync(probe, "ok").ConfigureAwait(false);
                File.Delete(probe);
                Line("PASS", "state directory", settings.Device.StateDirectory + " is writable");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Line("FAIL", "state directory", $"{settings.Device.StateDirectory}: {e.Message}");
            }
        }

        var (clockVerdict, clockDetail) = await CheckClockAsync(config["Doctor:TimesyncFile"] ?? "/run/systemd/timesync/synchronized", config["Doctor:Timedatectl"] ?? "timedatectl").ConfigureAwait(false);
        Line(clockVerdict, "clock", clockDetail);

        await CheckBrokerAsync(settings.Mqtt.Host, settings.Mqtt.Port, Line).ConfigureAwait(false);

        if (settings.Device.Kind == "luminaire")
        {
            CheckLuminaire(settings, config, Line);
        }
        else if (settings.Device.Kind == "hotspot" && settings.Hardware.Mode == "Linux")
        {
            var wan = new WanCounterReader(settings.Hotspot.WanInterface, Path.Combine(settings.Hardware.SysfsRoot, "class/net"));
            if (wan.TryRead(out var c))
            {
                Line("PASS", "WAN counters", $"{settings.Hotspot.WanInterface} rx {c.RxBytes} B, tx {c.TxBytes} B");
            }
            else
            {
                Line("FAIL", "WAN counters", $"cannot read counters of interface {settings.Hotspot.WanInterface}: check Hotspot:WanInterface");
            }
        }

        output.WriteLine(failures == 0 ? "all checks passed" : $"{failures} check(s) failed");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(string Verdict, string Detail)> CheckClockAsync(string timesyncFile, string timedatectl)
    {
        if (File.Exists(timesyncFile))
        {
            return ("PASS", "synchronised (" + timesyncFile + " present)");
        }
        try
        {
            // bounded: timedatectl waits on D-Bus and systemd-timedated, which a broken system may never answer
            if (await ToolRun.RunAsync(timedatectl, ["show", "-p", "NTPSynchronized", "--value"], TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false)
                is not { } run)
            {
                return ("SKIP", $"cannot tell ({timedatectl} did not answer within 5 s)");
            }
            var text = run.Output.Trim();
            if (run.ExitCode == 0 && text == "yes")
            {
                return ("PASS", "synchronised (timedatectl)");
            }
            if (run.ExitCode == 0 && text == "no")
            {
                return ("FAIL", "not synchronised: check network access to NTP (timedatectl timesync-status); device timestamps would be wrong");
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return ("SKIP", "cannot tell (no timedatectl and no " + timesyncFile + ")");
    }

    private static async Task CheckBrokerAsync(string host, int port, Action<string, string, string> line)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            line("FAIL", "broker", "Mqtt:Host is empty: set the broker's name or address");
            return;
        }
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var sw = Stopwatch.StartNew();
        try
        {
            await tcp.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            line("PASS", "broker", string.Create(CultureInfo.InvariantCulture, $"{host}:{port} reachable in {sw.Elapsed.TotalMilliseconds:0} ms"));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            line("FAIL", "broker", $"{host}:{port} not reachable ({(e is OperationCanceledException ? "timed out" : e.Message)}): check Mqtt:Host, Mqtt:Port and the network");
        }
    }

    private static void CheckLuminaire(EdgeSettings settings, EdgeConfig config, Action<string, string, string> line)
    {
        var energyPath = Path.Combine(settings.Device.StateDirectory, "energy.wh");
        try
        {
            // Loading only reads the file; doctor never writes it (the running agent owns it).
            var energy = File.Exists(energyPath) ? new EnergyRegister(energyPath).EnergyWh : 0;
            line("PASS", "energy register", string.Create(CultureInfo.InvariantCulture, $"{energy:0.###} Wh ({energyPath})"));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            line("FAIL", "energy register", e.Message);
            return;
        }
        if (settings.Hardware.Mode == "Simulated")
        {
            CheckSimulated(settings, line);
            return;
        }
        var hw = settings.Hardware;
        var i2cPrefix = config["Doctor:I2cDevicePrefix"] ?? "/dev/i2c-";
        CheckI2c("power meter", i2cPrefix, hw.I2cBus, hw.PowerMeterAddress, "Hardware:PowerMeterAddress", line, chip =>
        {
            // Only register reads: the calibration the agent wrote stays, and no energy is integrated.
            var options = new Ina219Options();
            var busV = (ReadIna219(chip, Ina219Register.BusVoltage) >> 3) * 0.004 * options.BusVoltageScale;
            var currentA = (short)ReadIna219(chip, Ina219Register.ShuntVoltage) * 10e-6 / options.ShuntOhms;
            return string.Create(CultureInfo.InvariantCulture, $"{busV:0.0} V, {currentA:0.000} A");
        });
        CheckI2c("light sensor", i2cPrefix, hw.I2cBus, hw.LightSensorAddress, "Hardware:LightSensorAddress", line, chip =>
        {
            using var sensor = new Bh1750LightSensor(chip);
            return sensor.TryReadLux(out var lux) ? string.Create(CultureInfo.InvariantCulture, $"{lux:0.#} lx") : throw new IOException("no reading");
        });
        CheckOutputs(hw, line);
    }

    private static void CheckSimulated(EdgeSettings settings, Action<string, string, string> line)
    {
        using var hardware = EdgeHardware.Open(settings, TimeProvider.System, readOnly: true);
        line(hardware.Devices.Meter.TryRead(out var r) ? "PASS" : "FAIL", "power meter",
            string.Create(CultureInfo.InvariantCulture, $"{r.VoltageV:0.0} V, {r.CurrentA:0.000} A, {r.PowerW:0.0} W (simulated)"));
        line(hardware.Devices.LightSensor.TryReadLux(out var lux) ? "PASS" : "FAIL", "light sensor", string.Create(CultureInfo.InvariantCulture, $"{lux:0.#} lx (simulated)"));
        line("PASS", "relay and dimmer", $"simulated; relay is {(hardware.Devices.Relay.IsOn ? "on" : "off")}, dimmer at {hardware.Devices.Dimmer.LevelPercent} %");
    }

    private static void CheckI2c(string check, string prefix, int busId, int address, string setting, Action<string, string, string> line, Func<LinuxI2cDevice, string> read)
    {
        var bus = prefix + busId.ToString(CultureInfo.InvariantCulture);
        if (!File.Exists(bus))
        {
            line("FAIL", check, $"I2C bus {bus} does not exist: enable I2C (raspi-config, dtparam=i2c_arm=on) and check Hardware:I2cBus");
            return;
        }
        try
        {
            using var chip = new LinuxI2cDevice(busId, address, prefix);
            line("PASS", check, read(chip));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            line("FAIL", check, $"no answer at I2C address 0x{address:x2} on {bus} ({e.Message}): check wiring, i2cdetect and {setting}");
        }
    }

    /// <summary>
    /// Relay GPIO and dimmer PWM channel through sysfs, read-only: a running pole's lamp keeps its state (the drivers'
    /// constructors would set the relay off and the duty to 0). Writable is checked by opening, never by writing.
    /// </summary>
    private static void CheckOutputs(HardwareSettings hw, Action<string, string, string> line)
    {
        var problems = new List<string>();
        var found = new List<string>();
        var gpio = Path.Combine(hw.SysfsRoot, "class/gpio");
        var pin = Path.Combine(gpio, "gpio" + hw.RelayGpio.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(pin))
        {
            var value = ReadWritable(Path.Combine(pin, "value"), problems);
            found.Add(value is null ? "" : $"relay (GPIO {hw.RelayGpio}) is {(value == "1" ? "on" : "off")}");
        }
        else if (File.Exists(Path.Combine(gpio, "export")))
        {
            found.Add($"relay GPIO {hw.RelayGpio} not exported yet (the agent exports it when it starts)");
        }
        else
        {
            problems.Add($"no GPIO interface at {gpio}: check the kernel and Hardware:RelayGpio");
        }
        var chip = Path.Combine(hw.SysfsRoot, "class/pwm", "pwmchip" + hw.PwmChip.ToString(CultureInfo.InvariantCulture));
        var channel = Path.Combine(chip, "pwm" + hw.PwmChannel.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(channel))
        {
            var duty = ReadWritable(Path.Combine(channel, "duty_cycle"), problems);
            var period = ReadWritable(Path.Combine(channel, "period"), problems);
            if (long.TryParse(duty, CultureInfo.InvariantCulture, out var d) && long.TryParse(period, CultureInfo.InvariantCulture, out var p) && p > 0)
            {
                found.Add($"dimmer duty {d * 100 / p} %");
            }
        }
        else if (Directory.Exists(chip))
        {
            found.Add($"PWM channel {hw.PwmChannel} not exported yet (the agent exports it when it starts)");
        }
        else
        {
            problems.Add($"PWM chip {chip} does not exist: enable the PWM overlay (dtoverlay=pwm) and check Hardware:PwmChip");
        }
        line(problems.Count == 0 ? "PASS" : "FAIL", "relay and dimmer", string.Join("; ", problems.Count == 0 ? found.Where(f => f.Length > 0) : problems));
    }

    private static string? ReadWritable(string path, List<string> problems)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite); // opened, never written
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path} cannot be read and written ({e.Message}): the agent's user needs the gpio group");
            return null;
        }
    }

    private static ushort ReadIna219(LinuxI2cDevice chip, Ina219Register register)
    {
        chip.Write([(byte)register]);
        Span<byte> value = stackalloc byte[2];
        chip.Read(value);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(value);
    }
}
