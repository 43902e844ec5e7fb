using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using CidadesInteligentes.Edge.Core.Hotspot;

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

        var (clockVerdict, clockDetail) = await CheckClockAsync(config["Doctor:TimesyncFile"] ?? "/run/systemd/timesync/synchronized").ConfigureAwait(false);
        Line(clockVerdict, "clock", clockDetail);

        await CheckBrokerAsync(settings.Mqtt.Host, settings.Mqtt.Port, Line).ConfigureAwait(false);

        if (settings.Device.Kind == "luminaire")
        {
            CheckLuminaire(settings, Line);
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

    private static async Task<(string Verdict, string Detail)> CheckClockAsync(string timesyncFile)
    {
        if (File.Exists(timesyncFile))
        {
            return ("PASS", "synchronised (" + timesyncFile + " present)");
        }
        try
        {
            using var p = Process.Start(new ProcessStartInfo("timedatectl", "show -p NTPSynchronized --value")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (p is not null)
            {
                var text = (await p.StandardOutput.ReadToEndAsync().ConfigureAwait(false)).Trim();
                await p.WaitForExitAsync().ConfigureAwait(false);
                if (p.ExitCode == 0 && text == "yes")
                {
                    return ("PASS", "synchronised (timedatectl)");
                }
                if (p.ExitCode == 0 && text == "no")
                {
                    return ("FAIL", "not synchronised: check network access to NTP (timedatectl timesync-status); device timestamps would be wrong");
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return ("SKIP", "cannot tell (no timedatectl and no " + timesyncFile + ")");
    }

    private static async Task CheckBrokerAsync(string host, int port, Action<string, string, string> line)
    {
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

    private static void CheckLuminaire(EdgeSettings settings, Action<string, string, string> line)
    {
        EdgeHardware hardware;
        try
        {
            hardware = EdgeHardware.Open(settings, TimeProvider.System);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            line("FAIL", "hardware", $"cannot open the {settings.Hardware.Mode} drivers: {e.Message}");
            return;
        }
        using (hardware)
        {
            if (hardware.Devices.Meter.TryRead(out var r))
            {
                line("PASS", "power meter", string.Create(CultureInfo.InvariantCulture, $"{r.VoltageV:0.0} V, {r.CurrentA:0.000} A, {r.PowerW:0.0} W, register {r.EnergyWh:0.###} Wh"));
            }
            else
            {
                line("FAIL", "power meter", $"no answer at I2C address 0x{settings.Hardware.PowerMeterAddress:x2} on bus {settings.Hardware.I2cBus}: check wiring and Hardware:PowerMeterAddress");
            }
            if (hardware.Devices.LightSensor.TryReadLux(out var lux))
            {
                line("PASS", "light sensor", string.Create(CultureInfo.InvariantCulture, $"{lux:0.#} lx"));
            }
            else
            {
                line("FAIL", "light sensor", $"no answer at I2C address 0x{settings.Hardware.LightSensorAddress:x2} on bus {settings.Hardware.I2cBus}: check wiring and Hardware:LightSensorAddress");
            }
            line("PASS", "relay and dimmer", $"opened ({settings.Hardware.Mode}); relay is {(hardware.Devices.Relay.IsOn ? "on" : "off")}, dimmer at {hardware.Devices.Dimmer.LevelPercent} %");
        }
    }
}
