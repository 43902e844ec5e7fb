using System.Globalization;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary><c>doctor</c> on the Linux drivers with a fake sysfs tree: read-only on a running pole, and plain FAIL lines.</summary>
public sealed class DoctorTests : IDisposable
{
    private readonly string _dir = ServerProcess.CreateTempDirectory("edge-doctor");
    private readonly string _sys;
    private readonly string _state;
    private readonly string _synced;

    public DoctorTests()
    {
        _sys = Directory.CreateDirectory(Path.Combine(_dir, "sys")).FullName;
        _state = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        _synced = Path.Combine(_dir, "synchronized");
        File.WriteAllText(_synced, "");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string[] Lines)> Doctor(int brokerPort, params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeProgram.MainAsync([
            "doctor", "--config", Path.Combine(_dir, "none.json"), "--Device:Id", "sc-lum-000003", "--Device:City", "3548906",
            "--Device:Kind", "luminaire", "--Device:Latitude", "-22", "--Device:Longitude", "-47", "--Device:StateDirectory", _state,
            "--Mqtt:Password", "a-long-enough-secret", "--Mqtt:Port", brokerPort.ToString(CultureInfo.InvariantCulture),
            "--Hardware:Mode", "Linux", "--Hardware:SysfsRoot", _sys, "--Doctor:I2cDevicePrefix", Path.Combine(_dir, "i2c-"),
            "--Doctor:TimesyncFile", _synced, .. extra,
        ], output, error);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A pole whose agent is running: relay GPIO 17 exported and on, PWM 0/0 at 70 %.</summary>
    private (string Relay, string Duty) RunningPole()
    {
        var pin = Directory.CreateDirectory(Path.Combine(_sys, "class/gpio/gpio17")).FullName;
        File.WriteAllText(Path.Combine(_sys, "class/gpio/export"), "");
        File.WriteAllText(Path.Combine(pin, "direction"), "out");
        File.WriteAllText(Path.Combine(pin, "value"), "1");
        var pwm = Directory.CreateDirectory(Path.Combine(_sys, "class/pwm/pwmchip0/pwm0")).FullName;
        File.WriteAllText(Path.Combine(pwm, "period"), "1000000");
        File.WriteAllText(Path.Combine(pwm, "duty_cycle"), "700000");
        File.WriteAllText(Path.Combine(pwm, "enable"), "1");
        return (Path.Combine(pin, "value"), Path.Combine(pwm, "duty_cycle"));
    }

    private static string Line(string[] lines, string check) =>
        lines.SingleOrDefault(l => l.Contains(" " + check + ":", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no '{check}' line in:\n{string.Join('\n', lines)}");

    [Fact]
    public async Task Doctor_leaves_a_lit_lamp_on_and_the_energy_register_untouched()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var (relay, duty) = RunningPole();
        var energy = Path.Combine(_state, "energy.wh");
        await File.WriteAllTextAsync(energy, "1234.5\n");
        var written = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(energy, written);
        File.WriteAllText(Path.Combine(_dir, "i2c-1"), ""); // the bus exists, but no chip answers

        var (code, lines) = await Doctor(broker.Port);

        Assert.Equal("1", File.ReadAllText(relay));
        Assert.Equal("out", File.ReadAllText(Path.Combine(Path.GetDirectoryName(relay)!, "direction")));
        Assert.Equal("700000", File.ReadAllText(duty));
        Assert.Equal("1234.5\n", File.ReadAllText(energy));
        Assert.Equal(written, File.GetLastWriteTimeUtc(energy));
        Assert.Equal(["energy.wh"], Directory.GetFiles(_state).Select(Path.GetFileName));
        Assert.Equal("PASS relay and dimmer: relay (GPIO 17) is on; dimmer duty 70 %", Line(lines, "relay and dimmer"));
        Assert.Equal("PASS energy register: 1234.5 Wh (" + energy + ")", Line(lines, "energy register"));
        Assert.StartsWith("FAIL power meter: no answer at I2C address 0x40 on " + Path.Combine(_dir, "i2c-1"), Line(lines, "power meter"), StringComparison.Ordinal);
        Assert.StartsWith("FAIL light sensor: no answer at I2C address 0x23", Line(lines, "light sensor"), StringComparison.Ordinal);
        Assert.Equal(1, code);
        Assert.Equal("2 check(s) failed", lines[^1]);
    }

    [Fact]
    public async Task Doctor_fails_in_plain_words_for_a_missing_i2c_bus_and_missing_outputs()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var (code, lines) = await Doctor(broker.Port);
        var bus = Path.Combine(_dir, "i2c-1");
        Assert.Equal($"FAIL power meter: I2C bus {bus} does not exist: enable I2C (raspi-config, dtparam=i2c_arm=on) and check Hardware:I2cBus", Line(lines, "power meter"));
        Assert.StartsWith($"FAIL light sensor: I2C bus {bus} does not exist", Line(lines, "light sensor"), StringComparison.Ordinal);
        var outputs = Line(lines, "relay and dimmer");
        Assert.StartsWith("FAIL relay and dimmer: no GPIO interface at ", outputs, StringComparison.Ordinal);
        Assert.Contains("enable the PWM overlay (dtoverlay=pwm)", outputs, StringComparison.Ordinal);
        Assert.Equal("PASS broker", Line(lines, "broker")[..11]);
        Assert.Equal(1, code);
        Assert.Equal("3 check(s) failed", lines[^1]);
        Assert.Empty(Directory.GetFiles(_state)); // no energy file created either
    }

    [Fact]
    public async Task Doctor_fails_when_the_clock_is_not_synchronised_or_the_broker_unreachable()
    {
        RunningPole();
        File.WriteAllText(Path.Combine(_dir, "i2c-1"), "");
        var timedatectl = Path.Combine(_dir, "timedatectl");
        await File.WriteAllTextAsync(timedatectl, "#!/bin/sh\necho no\n");
        Assert.True(OperatingSystem.IsLinux(), "the edge agent and its tests run on Linux");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(timedatectl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var closed = FreePort.Next();

        var (code, lines) = await Doctor(closed, "--Doctor:TimesyncFile", Path.Combine(_dir, "absent"), "--Doctor:Timedatectl", timedatectl);

        Assert.Equal("FAIL clock: not synchronised: check network access to NTP (timedatectl timesync-status); device timestamps would be wrong", Line(lines, "clock"));
        Assert.StartsWith($"FAIL broker: 127.0.0.1:{closed} not reachable", Line(lines, "broker"), StringComparison.Ordinal);
        Assert.Equal(1, code);
        Assert.Equal("4 check(s) failed", lines[^1]); // clock, broker, power meter, light sensor
    }

    [Fact]
    public async Task A_hung_timedatectl_is_stopped_and_the_clock_check_skipped()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var timedatectl = Path.Combine(_dir, "timedatectl");
        await File.WriteAllTextAsync(timedatectl, $"#!/bin/sh\nsleep 100000 &\necho $! > {_dir}/sleep.pid\nwait\n"); // D-Bus stuck
        Assert.True(OperatingSystem.IsLinux(), "the edge agent and its tests run on Linux");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(timedatectl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var (_, lines) = await Doctor(broker.Port, "--Doctor:TimesyncFile", Path.Combine(_dir, "absent"), "--Doctor:Timedatectl", timedatectl)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal($"SKIP clock: cannot tell ({timedatectl} did not answer within 5 s)", Line(lines, "clock"));
        Assert.StartsWith("PASS broker", Line(lines, "broker"), StringComparison.Ordinal); // the checks after it ran
        var sleep = int.Parse(File.ReadAllText(Path.Combine(_dir, "sleep.pid")).Trim(), CultureInfo.InvariantCulture);
        await Wait.UntilAsync(() => !ProcessState.IsRunning(sleep), "timedatectl's child stopped", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_empty_broker_host_or_state_directory_fails_its_check_instead_of_crashing()
    {
        var (code, lines) = await Doctor(FreePort.Next(), "--Mqtt:Host", "", "--Device:StateDirectory", "");

        Assert.Equal("FAIL broker: Mqtt:Host is empty: set the broker's name or address", Line(lines, "broker"));
        Assert.Equal("FAIL state directory: Device:StateDirectory is empty: set the agent's state directory (default /var/lib/cidades-inteligentes)", Line(lines, "state directory"));
        Assert.Equal(1, code);
        Assert.Contains(lines, l => l.Contains(" relay and dimmer:", StringComparison.Ordinal)); // the checks after them ran
    }
}
