using System.Text.Json;
using System.Text.RegularExpressions;
using CidadesInteligentes.Cloud.Tests.Host;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// The overview and city pages fed with documents shaped exactly as docs/api.md describes them (the browser's
/// requests are answered by the test), so the drawing and the pt-BR formatting are checked independently of
/// the numbers the cloud computes. <see cref="OverviewAndCityPageTests"/> checks them against the real API.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class DocumentedShapeTests(DashboardBrowser browser)
{
    // Worked example (São Carlos): measured 1200.5 kWh, Option B baseline 3000 kWh → savings 1799.5 kWh;
    // at a tariff of 0.75 R$/kWh that is 1799.5 × 0.75 = R$ 1,349.625, shown rounded as "R$ 1.349,63".
    private const string State = """
        {"month":"2026-10","totals":{"measuredKwh":1500.5,"baselineKwh":3600,"savingsKwh":2099.5,"savingsBrl":1574.63,"billSavingsBrl":2500.1,"compliantCities":1,"cities":2,"devicesOnline":7,"devicesTotal":9,"openAlerts":3},
         "cities":[
          {"ibge":"3548906","name":"São Carlos","measuredKwh":1200.5,"baselineKwh":3000,"savingsKwh":1799.5,"savingsBrl":1349.625,"billSavingsBrl":2000.1,"savingsPercentOfRevenue":0.0123,"costToCip":0.42,"paybackMonths":499.97,"wifiCompliantPoints":5,"requiredWifiPoints":5,"compliant":true,"devicesOnline":5,"devicesTotal":6,"openAlerts":2,"completeness":0.97,"reportingLuminaires":4,"inventoryLuminaires":4},
          {"ibge":"3519055","name":"Holambra","measuredKwh":300,"baselineKwh":600,"savingsKwh":300,"savingsBrl":225,"billSavingsBrl":500,"savingsPercentOfRevenue":0.05,"costToCip":1.25,"paybackMonths":null,"wifiCompliantPoints":3,"requiredWifiPoints":5,"compliant":false,"devicesOnline":2,"devicesTotal":3,"openAlerts":1,"completeness":0.5,"reportingLuminaires":1,"inventoryLuminaires":2}]}
        """;

    private const string City = """{"ibge":"3548906","name":"São Carlos","latitude":-22.0,"longitude":-47.9,"exampleValues":true,"luminaires":4,"wifiPoints":1,"requiredWifiPoints":5,"devicesOnline":4,"devicesTotal":5,"openAlerts":1}""";

    private const string Cities = "[" + City + "]";

    private const string Savings = """
        {"ibge":"3548906","month":"2026-10","measuredKwh":1200.5,"baselineKwh":3000,"savingsKwh":1799.5,"savingsBrl":1349.625,"aneelBaselineKwh":3500,"aneelLedKwh":1500,
         "spendBeforeBrl":2625,"spendAfterBrl":900.38,"billSavingsBrl":1724.62,"spendToRevenueBefore":0.0021,"spendToRevenueAfter":0.0007,"savingsPercentOfRevenue":0.14,
         "costToCip":0.31,"paybackMonths":579.84,"co2AvoidedT":0.069,"completeness":0.9667,"reportingLuminaires":4,"inventoryLuminaires":4,"adjustments":[],
         "daily":[{"date":"2026-10-01","measuredKwh":40.1,"baselineKwh":100,"aneelBaselineKwh":116.7},{"date":"2026-10-02","measuredKwh":39.5,"baselineKwh":98.2,"aneelBaselineKwh":116.7},{"date":"2026-10-03","measuredKwh":41,"baselineKwh":101,"aneelBaselineKwh":116.7}]}
        """;

    private const string Wifi = """
        {"ibge":"3548906","month":"2026-10","compliant":false,"compliantPoints":0,"requiredPoints":5,"completeness":0.99,"digest":"ab12",
         "points":[{"device":"sc-hs-01","name":"Praça XV","availability":0.9731,"upMinutes":43438,"downMinutes":1000,"noDataMinutes":202,"medianDownMbps":23.4,"medianUpMbps":8.25,"p95LatencyMs":88,"meanLossPercent":0.2,
           "daysUsed":29,"daysInPeriod":31,"compliant":true,"failed":[],"outages":[],
           "timeline":[{"start":"2026-10-01T03:00:00Z","end":"2026-10-10T03:00:00Z","state":"up"},{"start":"2026-10-10T03:00:00Z","end":"2026-10-10T20:00:00Z","state":"down"},{"start":"2026-10-10T20:00:00Z","end":"2026-10-11T00:00:00Z","state":"noData"},{"start":"2026-10-11T00:00:00Z","end":"2026-11-01T03:00:00Z","state":"up"}]}]}
        """;

    private const string Devices = """
        [{"id":"sc-lum-000001","city":"3548906","kind":"luminaire","online":true,"lastSeen":"2026-10-03T10:00:00Z","latitude":-22.010,"longitude":-47.890,"openAlerts":0,"powerW":55,"dimPercent":100,"lampOn":true},
         {"id":"sc-lum-000002","city":"3548906","kind":"luminaire","online":true,"lastSeen":"2026-10-03T10:00:00Z","latitude":-22.011,"longitude":-47.891,"openAlerts":0,"powerW":0,"dimPercent":0,"lampOn":false},
         {"id":"sc-lum-000003","city":"3548906","kind":"luminaire","online":false,"lastSeen":"2026-10-02T10:00:00Z","latitude":-22.012,"longitude":-47.892,"openAlerts":0},
         {"id":"sc-lum-000004","city":"3548906","kind":"luminaire","online":true,"lastSeen":"2026-10-03T10:00:00Z","latitude":-22.013,"longitude":-47.893,"openAlerts":1,"powerW":2,"dimPercent":100,"lampOn":true},
         {"id":"sc-hs-01","city":"3548906","kind":"hotspot","online":true,"lastSeen":"2026-10-03T10:00:00Z","latitude":-22.014,"longitude":-47.894,"openAlerts":0,"backhaulUp":true,"portalOk":true,"clients":12}]
        """;

    // the map's dots and the list's filter counts of the same five devices
    private const string Map = """
        {"total":5,"shown":5,"dots":[{"id":"sc-lum-000001","kind":"luminaire","lat":-22.010,"lon":-47.890,"state":"on"},{"id":"sc-lum-000002","kind":"luminaire","lat":-22.011,"lon":-47.891,"state":"off"},
         {"id":"sc-lum-000003","kind":"luminaire","lat":-22.012,"lon":-47.892,"state":"offline"},{"id":"sc-lum-000004","kind":"luminaire","lat":-22.013,"lon":-47.893,"state":"alert"},
         {"id":"sc-hs-01","kind":"hotspot","name":"Praça XV","lat":-22.014,"lon":-47.894,"state":"on"}]}
        """;

    private const string Counts = """{"all":5,"alert":1,"offline":1,"never":0,"online":4}""";

    private const string Alerts = """[{"id":7,"device":"sc-lum-000004","city":"3548906","type":"lampFailure","scope":"device","active":true,"openedAt":"2026-10-03T09:00:00Z","closedAt":null,"detail":"power 2 W at 100 %","count":3}]""";

    [GeneratedRegex(@"/api/state\?month=2026-10$")]
    private static partial Regex StateUrl();

    [GeneratedRegex(@"/api/(cities|devices|alerts|reports)")]
    private static partial Regex CityUrls();

    [Fact]
    public async Task Overview_shows_every_documented_figure_in_pt_BR_and_links_to_the_city()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.Page.RouteAsync(StateUrl(), r => r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = State }));
        await s.GoAsync("/?month=2026-10");
        await DashboardExpectations.OverviewMatchesAsync(s, JsonDocument.Parse(State).RootElement);
        Assert.Equal("1.200,5", await s.TextAsync("city-3548906-measuredKwh"));
        Assert.Equal("R$\u00a01.349,63", await s.TextAsync("city-3548906-savingsBrl"));
        Assert.Equal("0,0123 %", await s.TextAsync("city-3548906-savingsPercentOfRevenue"));
        Assert.Equal("—", await s.TextAsync("city-3519055-paybackMonths"));
        // cost ÷ CIP as a percent, with the monthly report's 4 decimals (as the share of revenue above)
        Assert.Equal("42,0000 %", await s.TextAsync("city-3548906-costToCip"));
        Assert.Equal("125,0000 %", await s.TextAsync("city-3519055-costToCip"));
        Assert.Equal("2026-10", await s.ById("month").InputValueAsync());
        await s.ScreenshotAsync("overview-documented");
        s.AssertNoErrors();
        // (the city page's own requests are not answered here; the next test covers that page)
        await s.ById("city-3548906-link").ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("#/city/3548906\\?month=2026-10$"));
    }

    /// <summary>Answers the city page's requests with the documents above (<paramref name="savings"/> for the savings).</summary>
    private static Task AnswerCityAsync(DashboardSession s, string savings) =>
        s.Page.RouteAsync(CityUrls(), r =>
        {
            var url = r.Request.Url;
            var body = url.Contains("/savings", StringComparison.Ordinal) ? savings
                : url.Contains("/wifi", StringComparison.Ordinal) ? Wifi
                : url.Contains("/map", StringComparison.Ordinal) ? Map
                : url.Contains("/devices/counts", StringComparison.Ordinal) ? Counts
                : url.Contains("/api/devices", StringComparison.Ordinal) ? Devices
                : url.Contains("/api/alerts", StringComparison.Ordinal) ? Alerts
                : url.Contains("/api/reports", StringComparison.Ordinal) ? "[]"
                : url.EndsWith("/api/cities/3548906", StringComparison.Ordinal) ? City
                : Cities;
            return r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = body });
        });

    [Fact]
    public async Task City_page_draws_the_daily_chart_the_luminaire_map_faults_and_wifi_timelines()
    {
        await using var cloud = await CloudApp.StartAsync();
        foreach (var (name, width, height) in new[] { ("laptop", 1366, 900), ("phone", 390, 844) })
        {
            await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!, width, height);
            await AnswerCityAsync(s, Savings);
            await s.GoAsync("/city/3548906?month=2026-10");
            await Expect(s.ById("city-name")).ToContainTextAsync("São Carlos");
            await DashboardExpectations.SavingsMatchAsync(s, JsonDocument.Parse(Savings).RootElement);
            await DashboardExpectations.WifiMatchesAsync(s, JsonDocument.Parse(Wifi).RootElement);
            Assert.Equal("97,31 %", await s.TextAsync("wifi-sc-hs-01-availability"));
            Assert.Equal("31,0000 %", await s.TextAsync("savings-costToCip"));
            Assert.Equal("1.200,5", await s.TextAsync("savings-measuredKwh"));

            // map colours by status: on, off, offline, alert; the Wi-Fi point is a square
            Assert.Contains("on", await s.ById("dot-sc-lum-000001").GetAttributeAsync("class"), StringComparison.Ordinal);
            Assert.Contains("off", await s.ById("dot-sc-lum-000002").GetAttributeAsync("class"), StringComparison.Ordinal);
            Assert.Contains("offline", await s.ById("dot-sc-lum-000003").GetAttributeAsync("class"), StringComparison.Ordinal);
            Assert.Contains("alert", await s.ById("dot-sc-lum-000004").GetAttributeAsync("class"), StringComparison.Ordinal);
            Assert.Equal("rect", await s.ById("dot-sc-hs-01").EvaluateAsync<string>("e => e.tagName"));
            Assert.Equal("rgb(44, 160, 44)", await s.ById("dot-sc-hs-01").EvaluateAsync<string>("e => getComputedStyle(e).fill"));
            // every dot is drawn: no note on how many are shown
            await Expect(s.ById("map-shown")).ToHaveCountAsync(0);
            await Expect(s.ById("devices-filter-all")).ToHaveTextAsync("Todos (5)");
            await Expect(s.ById("devices-filter-alert")).ToHaveTextAsync("Com alerta (1)");
            await Expect(s.ById("alert-7")).ToContainTextAsync("lampFailure");
            // named in the page's language, with the contract's code beside it
            await Expect(s.ById("alert-7").Locator("strong")).ToHaveTextAsync("Falha da lâmpada");
            await Expect(s.ById("alert-7")).ToContainTextAsync("(×3)");
            await Expect(s.Page.Locator("[data-testid=wifi-sc-hs-01-timeline] rect[data-state=down]")).ToHaveCountAsync(1);
            await s.ScreenshotAsync($"city-documented-{name}");
            s.AssertNoErrors();
        }
    }

    [Fact]
    public async Task City_page_says_no_data_for_the_figures_from_readings_when_no_luminaire_of_the_city_reported()
    {
        // the same month with no reading from any luminaire: measured 0, Option B baseline 0, savings 0 for want of data
        var silent = Savings.Replace("\"measuredKwh\":1200.5,\"baselineKwh\":3000,\"savingsKwh\":1799.5,\"savingsBrl\":1349.625", "\"measuredKwh\":0,\"baselineKwh\":0,\"savingsKwh\":0,\"savingsBrl\":0", StringComparison.Ordinal)
            .Replace("\"co2AvoidedT\":0.069", "\"co2AvoidedT\":0", StringComparison.Ordinal).Replace("\"reportingLuminaires\":4", "\"reportingLuminaires\":0", StringComparison.Ordinal);
        Assert.NotEqual(Savings, silent);
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await AnswerCityAsync(s, silent);
        await s.GoAsync("/city/3548906?month=2026-10");
        await Expect(s.ById("city-name")).ToContainTextAsync("São Carlos");
        await DashboardExpectations.SavingsMatchAsync(s, JsonDocument.Parse(silent).RootElement);
        foreach (var f in new[] { "measuredKwh", "baselineKwh", "savingsKwh", "savingsBrl", "co2AvoidedT" })
        {
            Assert.Equal("sem dados", await s.TextAsync($"savings-{f}"));
        }
        // the ANEEL estimate and the bill need no readings
        Assert.Equal("3.500,0", await s.TextAsync("savings-aneelBaselineKwh"));
        Assert.Equal("R$\u00a01.724,62", await s.TextAsync("savings-billSavingsBrl"));
        s.AssertNoErrors();
    }
}
