using CidadesInteligentes.Cloud.Tests.Host;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>Codes the API sends (a device's kind, the Wi-Fi thresholds a point missed) are shown as labels of the chosen language.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LabelTests(DashboardBrowser browser)
{
    private const string Wifi = """
        {"ibge":"3548906","month":"2026-10","compliant":false,"compliantPoints":0,"requiredPoints":5,"completeness":0.5,"digest":"ab12",
         "points":[{"device":"sc-wifi-01","name":"Praça XV","availability":0.61,"upMinutes":100,"downMinutes":60,"noDataMinutes":0,"medianDownMbps":4.5,"medianUpMbps":1,"p95LatencyMs":300,"meanLossPercent":2,
           "daysUsed":2,"daysInPeriod":31,"compliant":false,"failed":["availability","medianDownMbps","p95LatencyMs","portal","use","notRegistered"],"outages":[],"timeline":[]}]}
        """;

    private const string Lamp = """{"id":"sc-lum-000001","city":"3548906","kind":"luminaire","online":true,"lastSeen":"2026-10-03T10:00:00Z","openAlerts":0,"powerW":55,"dimPercent":100,"lampOn":true,"recent":[],"events":[],"commands":[]}""";

    private static Task RouteAsync(DashboardSession s) => s.Page.RouteAsync("**/api/**", r =>
    {
        var url = r.Request.Url;
        return url.Contains("/api/live", StringComparison.Ordinal) ? r.ContinueAsync()
            : r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json",
                Body = url.Contains("/wifi", StringComparison.Ordinal) ? Wifi : url.Contains("/savings", StringComparison.Ordinal) ? "{}"
                    : url.Contains("/api/devices/sc-lum-000001", StringComparison.Ordinal) ? Lamp : "[]" });
    });

    [Fact]
    public async Task The_thresholds_a_wifi_point_missed_are_named_in_portuguese_and_in_english()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await RouteAsync(s);
        await s.GoAsync("/city/3548906?month=2026-10");
        var failed = s.ById("wifi-sc-wifi-01-failed");
        await Expect(failed).ToHaveTextAsync("Disponibilidade, Download mediano (Mbps), Latência p95 (ms), Portal cativo, Dias com uso, Ponto não registrado");
        await s.ById("lang").ClickAsync();
        await Expect(failed).ToHaveTextAsync("Availability, Median download (Mbps), p95 latency (ms), Captive portal, Days used, Point not registered");
        s.AssertNoErrors();
    }

    [Fact]
    public async Task The_device_page_names_the_kind_of_device_in_the_chosen_language()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await RouteAsync(s);
        await s.GoAsync("/device/sc-lum-000001");
        await Expect(s.ById("device-id")).ToHaveTextAsync("sc-lum-000001 Luminária");
        await s.ById("lang").ClickAsync();
        await Expect(s.ById("device-id")).ToHaveTextAsync("sc-lum-000001 Luminaire");
        s.AssertNoErrors();
    }

    [Fact]
    public async Task The_device_page_links_back_to_its_city_by_name()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-back-").FullName;
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, Api.CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(null, "--Registry:File", registry);
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync("/device/sc-lum-000001");
        // the municipality's name from the registry, not its IBGE code
        await Expect(s.ById("device-city")).ToHaveTextAsync("← São Carlos");
        await Expect(s.ById("device-city")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("#/city/3548906"));
        s.AssertNoErrors();
        Directory.Delete(dir, true);
    }
}
