using System.Text.Json;
using CidadesInteligentes.Cloud.Api;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>The overview and city pages against the real cloud: every number shown equals the API's.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewAndCityPageTests(DashboardBrowser browser)
{
    private const string Lamp = "sc-lum-000020";

    private static async Task<CloudApp> CloudWithReadingsAsync()
    {
        // São Carlos with 2 luminaires and 5 Wi-Fi points in the registry (the city page needs a registered city)
        var file = Path.Combine(Directory.CreateTempSubdirectory("ci-dash-reg-").FullName, "registry.json");
        await File.WriteAllTextAsync(file, Api.CityEndpointTests.Registry);
        var cloud = await CloudApp.StartAsync(null, "--Registry:File", file);
        var dev = await cloud.DeviceAsync(Lamp);
        var t0 = DateTimeOffset.UtcNow.AddHours(-2);
        await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", t0), 1, retain: true);
        for (var i = 1; i <= 5; i++)
        {
            // 55 W for 15 min → 13.75 Wh a step
            await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(i, t0.AddMinutes(15 * i), energyWh: 1000 + (13.75 * i)));
        }
        await dev.PublishAsync(Payload.Topic(Lamp, "event"), Payload.Event(6, t0.AddMinutes(80), "lampFailure", active: true));
        return cloud;
    }

    [Fact]
    public async Task Overview_numbers_equal_the_state_api_for_this_month_and_the_month_selector_reloads_them()
    {
        await using var cloud = await CloudWithReadingsAsync();
        var month = ApiEndpoints.Month(DateTimeOffset.UtcNow);
        // the API first: a missing endpoint fails here with its status code rather than as a page timeout
        var state = await cloud.GetJsonAsync($"/api/state?month={month}");
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync("/");
        await s.Page.Locator($"[data-testid=state-table][data-month='{month}']").WaitForAsync();
        await DashboardExpectations.OverviewMatchesAsync(s, state);
        await s.ScreenshotAsync("overview");

        var previous = DateTime.ParseExact(month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await s.ById("month").FillAsync(previous);
        await Expect(s.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"month={previous}$"));
        await s.Page.Locator($"[data-testid=state-table][data-month='{previous}']").WaitForAsync();
        await DashboardExpectations.OverviewMatchesAsync(s, await cloud.GetJsonAsync($"/api/state?month={previous}"));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task City_page_numbers_equal_the_savings_wifi_devices_and_alerts_apis()
    {
        await using var cloud = await CloudWithReadingsAsync();
        var month = ApiEndpoints.Month(DateTimeOffset.UtcNow);
        // the API first: a missing endpoint fails here with its status code rather than as a page timeout
        var savings = await cloud.GetJsonAsync($"/api/cities/{Payload.City}/savings?month={month}");
        var wifi = await cloud.GetJsonAsync($"/api/cities/{Payload.City}/wifi?month={month}");
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync($"/city/{Payload.City}?month={month}");
        await s.ById("savings-measuredKwh").WaitForAsync();
        await DashboardExpectations.SavingsMatchAsync(s, savings);
        await DashboardExpectations.WifiMatchesAsync(s, wifi);
        var devices = await cloud.GetJsonAsync($"/api/devices?city={Payload.City}");
        var located = devices.EnumerateArray().Count(d => d.TryGetProperty("latitude", out var la) && la.ValueKind == JsonValueKind.Number);
        Assert.Equal(located, await s.Page.Locator("[data-testid=device-map] .dot").CountAsync());
        var alerts = await cloud.GetJsonAsync($"/api/alerts?city={Payload.City}&active=true");
        Assert.Equal(alerts.GetArrayLength(), await s.Page.Locator("[data-testid=faults] li").CountAsync());
        Assert.True(alerts.GetArrayLength() >= 1, "the lampFailure event opened an alert");
        await s.ScreenshotAsync("city");
        s.AssertNoErrors();
    }
}
