using CidadesInteligentes.FirmwareSim.Fleet;
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
    }
}
