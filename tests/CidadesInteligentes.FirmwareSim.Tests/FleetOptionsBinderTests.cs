using System.Diagnostics;
using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class FleetOptionsBinderTests
{
    [Theory]
    [InlineData("--Fleet:Cities", "0")]
    [InlineData("--Fleet:Cities", "-3")]
    [InlineData("--Fleet:LuminairesPerCity", "-1")]
    [InlineData("--Fleet:HotspotsPerCity", "-1")]
    [InlineData("--Mqtt:Port", "0")]
    [InlineData("--Mqtt:Port", "70000")]
    [InlineData("--Mqtt:MaxInFlight", "0")]
    [InlineData("--Mqtt:DrainPerSecond", "0")]
    [InlineData("--Mqtt:DrainPerSecond", "NaN")]
    [InlineData("--Fleet:MaxPendingPerDevice", "-1")]
    [InlineData("--Telemetry:IntervalSeconds", "0")]
    [InlineData("--Telemetry:LiveIntervalSeconds", "0")]
    [InlineData("--Telemetry:LiveIntervalSeconds", "-60")]
    [InlineData("--Clock:StepSeconds", "0")]
    [InlineData("--Clock:StepSeconds", "-60")]
    [InlineData("--Fault:NonCompliantWifi", "-1")]
    [InlineData("--Fault:LampFailurePerDay", "-0.1")]
    [InlineData("--Fault:SupplyLossPerDay", "NaN")]
    [InlineData("--Fault:BrokerOutagePerDay", "Infinity")]
    public void An_out_of_range_setting_is_reported(string key, string value)
    {
        FleetOptionsBinder.Bind([key, value], out var errors);
        var e = Assert.Single(errors);
        Assert.Contains(key, e, StringComparison.Ordinal);
    }

    [Fact]
    public void The_live_interval_defaults_to_a_minute_and_caps_the_live_step()
    {
        // the demo's settings: hourly replay in 15 min steps, live part at the default
        var o = FleetOptionsBinder.Bind(["--Clock:Until", "live", "--Clock:Speed", "max", "--Clock:StepSeconds", "900", "--Telemetry:IntervalSeconds", "3600"], out var errors);
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(3600), o.TelemetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(900), o.Step);
        Assert.Equal(TimeSpan.FromSeconds(60), o.LiveTelemetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), o.LiveStep);

        o = FleetOptionsBinder.Bind(["--Telemetry:LiveIntervalSeconds", "30", "--Clock:StepSeconds", "10"], out errors);
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(30), o.LiveTelemetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), o.LiveStep);
    }

    [Fact]
    public void A_fleet_without_any_device_is_reported()
    {
        FleetOptionsBinder.Bind(["--Fleet:LuminairesPerCity", "0", "--Fleet:HotspotsPerCity", "0"], out var errors);
        Assert.Single(errors);
        FleetOptionsBinder.Bind(["--Fleet:LuminairesPerCity", "0"], out errors);
        Assert.Empty(errors);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        FleetOptionsBinder.Bind(["--Fleet:Cities", "0", "--Clock:StepSeconds", "0", "--Mqtt:Port", "-5", "--Fault:CyclingPerDay", "-1"], out var errors);
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public void A_start_in_the_future_is_reported()
    {
        var future = DateTimeOffset.UtcNow.AddDays(2).ToString("o");
        FleetOptionsBinder.Bind(["--Clock:Start", future], out var errors);
        Assert.Contains(errors, e => e.Contains("--Clock:Start", StringComparison.Ordinal));
        var recent = DateTimeOffset.UtcNow.AddHours(-1).ToString("o");
        FleetOptionsBinder.Bind(["--Clock:Start", recent], out errors);
        Assert.Empty(errors);
    }

    [Fact]
    public void An_until_in_the_past_without_a_start_is_reported_instead_of_crashing_the_run()
    {
        // Start defaults to now: an Until before it is as wrong as an Until before an explicit Start
        var past = DateTimeOffset.UtcNow.AddDays(-1).ToString("o");
        FleetOptionsBinder.Bind(["--Clock:Until", past], out var errors);
        Assert.Contains(errors, e => e.Contains("--Clock:Until", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_registry_or_secrets_files_are_reported()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ci-missing-" + Guid.NewGuid().ToString("N"));
        FleetOptionsBinder.Bind(["--Fleet:Registry", missing + ".json", "--Fleet:Secrets", missing + ".txt"], out var errors);
        Assert.Equal(2, errors.Count);
    }
}

public class FleetOptionsEnvironmentTests
{
    [Fact]
    public void Environment_variables_are_read_and_the_command_line_wins_over_them()
    {
        var env = new Dictionary<string, string?>
        {
            ["Fleet__Cities"] = "3",
            ["Clock__Speed"] = "max",
            ["MQTT__PORT"] = "1884",
            ["PATH"] = "/usr/bin",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var o = FleetOptionsBinder.Bind(FleetOptionsBinder.EnvironmentArguments(env).Concat(["--Mqtt:Port", "1885"]).ToList(), out var errors);
        Assert.Empty(errors);
        Assert.Equal(3, o.Cities);
        Assert.True(double.IsPositiveInfinity(o.Speed));
        Assert.Equal(1885, o.MqttPort);

        o = FleetOptionsBinder.Bind(FleetOptionsBinder.EnvironmentArguments(new Dictionary<string, string?> { ["Telemetry__LiveIntervalSeconds"] = "120" }), out errors);
        Assert.Empty(errors);
        Assert.Equal(120, o.LiveTelemetryIntervalSeconds);
    }

    [Fact]
    public async Task A_bad_live_interval_in_the_environment_stops_the_simulator_with_exit_code_2_before_it_connects()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CidadesInteligentes.FirmwareSim.dll"));
        // port 1 has no broker: a simulator that got past the check would wait there instead of exiting
        psi.ArgumentList.Add("--Mqtt:Port");
        psi.ArgumentList.Add("1");
        psi.Environment["Telemetry__LiveIntervalSeconds"] = "0";
        using var sim = Process.Start(psi)!;
        var output = sim.StandardOutput.ReadToEndAsync();
        var errors = sim.StandardError.ReadToEndAsync();
        try
        {
            await Wait.ForAsync(sim.WaitForExitAsync(), "the simulator to refuse its settings", TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!sim.HasExited)
            {
                sim.Kill(entireProcessTree: true);
            }
        }
        Assert.True(sim.ExitCode == 2, $"exit {sim.ExitCode}: {await output} {await errors}");
        Assert.Contains("--Telemetry:LiveIntervalSeconds must be positive", await errors, StringComparison.Ordinal);
    }
}
