using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>The README's first command, scripts/demo.sh, on a short fleet: it replays last month and writes its reports.</summary>
public sealed class DemoScriptTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CidadesInteligentes.Iot.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Demo_replays_last_month_and_writes_reports_with_the_one_failing_wifi_point()
    {
        var root = RepoRoot();
        var data = ServerProcess.CreateTempDirectory("demo");
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        info.ArgumentList.Add(Path.Combine(root, "scripts", "demo.sh"));
        info.Environment["DEMO_NO_BUILD"] = "1";
        info.Environment["DEMO_CONFIGURATION"] = configuration;
        info.Environment["DEMO_EXIT_AFTER_REPORTS"] = "1";
        info.Environment["DEMO_DATA"] = data;
        info.Environment["DEMO_HTTP_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        info.Environment["DEMO_MQTT_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        info.Environment["DEMO_CITIES"] = "2";
        info.Environment["DEMO_LUMINAIRES"] = "4";
        info.Environment["DEMO_HOTSPOTS"] = "5";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("demo.sh did not finish in 6 minutes: " + await stdout);
        }
        var output = await stdout + await stderr;
        Assert.True(p.ExitCode == 0, $"demo.sh exited {p.ExitCode}: {output}");
        Assert.Contains("Dashboard:     http://127.0.0.1:", output, StringComparison.Ordinal);

        var now = DateTime.UtcNow;
        var month = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var reports = Path.Combine(data, "reports");
        foreach (var f in new[] { "html", "csv", "json", "pdf" })
        {
            Assert.True(File.Exists(Path.Combine(reports, $"{month}-3505302.{f}")), $"Barra Bonita's {f} report");
        }
        using var city = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, $"{month}-3505302.json")));
        var text = city.RootElement.ToString();
        Assert.Contains("bb-wifi-05", text, StringComparison.Ordinal);
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, $"{month}-state.json")));
        Assert.Contains("3505302", state.RootElement.ToString(), StringComparison.Ordinal);
        Assert.Contains("NOT COMPLIANT", output, StringComparison.Ordinal);
        Assert.False(FindBool(city.RootElement, "compliant"), "the demo makes Barra Bonita's 5th Wi-Fi point fail, so the city is not compliant");
        var measured = FindNumber(city.RootElement, "measuredKwh");
        Assert.True(measured > 0, "a month of metered luminaire energy");
        var completeness = FindNumber(city.RootElement, "completeness");
        Assert.True(completeness > 0.9, $"the replayed month is nearly complete ({completeness})");
        try
        {
            Directory.Delete(data, true);
        }
        catch (IOException)
        {
        }
    }

    private static bool FindBool(JsonElement e, string name) =>
        Find(e, name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : throw new KeyNotFoundException(name);

    private static double FindNumber(JsonElement e, string name) =>
        Find(e, name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw new KeyNotFoundException(name);

    private static JsonElement? Find(JsonElement e, string name)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty(name, out var v))
            {
                return v;
            }
            foreach (var p in e.EnumerateObject())
            {
                if (Find(p.Value, name) is { } found)
                {
                    return found;
                }
            }
        }
        return null;
    }
}
