using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CidadesInteligentes.Cloud.Api;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// The overview table tells a city with no readings from a city that measured zero, and says how complete each
/// city's month is.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class OverviewCompletenessTests(DashboardBrowser browser)
{
    private static readonly string[] MeasuredFields = ["measuredKwh", "baselineKwh", "savingsKwh", "savingsBrl"];

    // São Carlos: 10 of its 200 luminaires report. Holambra: none of its 150 does (its bill savings and share of
    // revenue come from the ANEEL estimate, which needs no readings). Analândia: its 3 luminaires reported, but only
    // today, the month's first day: nothing measured yet and no day complete, a real zero.
    private const string State = """
        {"month":"2026-12","totals":{"measuredKwh":1200.5,"baselineKwh":3000,"savingsKwh":1799.5,"savingsBrl":1349.63,"billSavingsBrl":2500.1,"compliantCities":0,"cities":3,"devicesOnline":13,"devicesTotal":363,"openAlerts":0},
         "cities":[
          {"ibge":"3548906","name":"São Carlos","measuredKwh":1200.5,"baselineKwh":3000,"savingsKwh":1799.5,"savingsBrl":1349.625,"billSavingsBrl":2000.1,"savingsPercentOfRevenue":0.0123,"costToCip":0.42,"paybackMonths":499.97,"wifiCompliantPoints":0,"requiredWifiPoints":5,"compliant":false,"devicesOnline":10,"devicesTotal":205,"openAlerts":0,"completeness":0.0512,"reportingLuminaires":10,"inventoryLuminaires":200},
          {"ibge":"3519055","name":"Holambra","measuredKwh":0,"baselineKwh":0,"savingsKwh":0,"savingsBrl":0,"billSavingsBrl":500,"savingsPercentOfRevenue":0.05,"costToCip":1.25,"paybackMonths":80,"wifiCompliantPoints":0,"requiredWifiPoints":5,"compliant":false,"devicesOnline":0,"devicesTotal":155,"openAlerts":0,"completeness":0,"reportingLuminaires":0,"inventoryLuminaires":150},
          {"ibge":"3502309","name":"Analândia","measuredKwh":0,"baselineKwh":0,"savingsKwh":0,"savingsBrl":0,"billSavingsBrl":0,"savingsPercentOfRevenue":0,"costToCip":null,"paybackMonths":null,"wifiCompliantPoints":0,"requiredWifiPoints":0,"compliant":false,"devicesOnline":3,"devicesTotal":3,"openAlerts":0,"completeness":0,"reportingLuminaires":3,"inventoryLuminaires":3}]}
        """;

    [GeneratedRegex(@"/api/state\?month=2026-12$")]
    private static partial Regex StateUrl();

    private static async Task<string[]> HeadersAsync(DashboardSession s) =>
        [.. (await s.Page.Locator("[data-testid=state-table] thead th").AllInnerTextsAsync()).Select(t => t.Trim())];

    // no luminaire of any city has reported this month (the programme's first month, or a store restored empty)
    private const string SilentState = """
        {"month":"2026-12","totals":{"measuredKwh":0,"baselineKwh":0,"savingsKwh":0,"savingsBrl":0,"billSavingsBrl":500,"compliantCities":0,"cities":1,"devicesOnline":0,"devicesTotal":155,"openAlerts":0},
         "cities":[{"ibge":"3519055","name":"Holambra","measuredKwh":0,"baselineKwh":0,"savingsKwh":0,"savingsBrl":0,"billSavingsBrl":500,"savingsPercentOfRevenue":0.05,"costToCip":1.25,"paybackMonths":80,"wifiCompliantPoints":0,"requiredWifiPoints":5,"compliant":false,"devicesOnline":0,"devicesTotal":155,"openAlerts":0,"completeness":0,"reportingLuminaires":0,"inventoryLuminaires":150}]}
        """;

    [Fact]
    public async Task With_no_readings_anywhere_the_state_totals_say_no_data_instead_of_zero()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.Page.RouteAsync(StateUrl(), r => r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = SilentState }));
        await s.GoAsync("/?month=2026-12");
        foreach (var f in MeasuredFields)
        {
            await Expect(s.ById($"total-{f}")).ToHaveTextAsync("sem dados");
        }
        // the bill view is an estimate from the inventory, shown as a figure
        await Expect(s.ById("total-billSavingsBrl")).ToHaveTextAsync("R$\u00a0500,00");
        s.AssertNoErrors();
    }

    [Fact]
    public async Task A_city_without_readings_shows_no_data_instead_of_zero_and_every_city_its_completeness()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.Page.RouteAsync(StateUrl(), r => r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = State }));
        await s.GoAsync("/?month=2026-12");
        await Expect(s.ById("city-3519055-measuredKwh")).ToHaveTextAsync("sem dados");
        foreach (var f in MeasuredFields)
        {
            await Expect(s.ById($"city-3519055-{f}")).ToHaveTextAsync("sem dados");
            await Expect(s.ById($"city-3519055-{f}")).ToHaveClassAsync(new Regex(@"\bmuted\b"));
        }
        // figures that need no readings are still shown
        // the shares with the monthly report's 4 decimals (2 showed São Carlos' 0.0123 % as 0,01 %)
        await Expect(s.ById("city-3519055-savingsPercentOfRevenue")).ToHaveTextAsync("0,0500 %");
        await Expect(s.ById("city-3548906-savingsPercentOfRevenue")).ToHaveTextAsync("0,0123 %");
        await Expect(s.ById("city-3548906-costToCip")).ToHaveTextAsync("42,0000 %");
        await Expect(s.ById("city-3519055-paybackMonths")).ToHaveTextAsync("80,0");
        // a city whose luminaires reported shows its zero as a number
        await Expect(s.ById("city-3502309-measuredKwh")).ToHaveTextAsync("0,0");
        await Expect(s.ById("city-3502309-savingsBrl")).ToHaveTextAsync("R$\u00a00,00");
        await Expect(s.ById("city-3548906-measuredKwh")).ToHaveTextAsync("1.200,5");

        var headers = await HeadersAsync(s);
        Assert.Equal("Completude", headers[Array.IndexOf(headers, "Economia (R$)") + 1]);
        await Expect(s.ById("city-3548906-completeness")).ToHaveTextAsync("5,1 %");
        await Expect(s.ById("city-3519055-completeness")).ToHaveTextAsync("0,0 %");
        await Expect(s.ById("city-3502309-completeness")).ToHaveTextAsync("0,0 %");
        await DashboardExpectations.OverviewMatchesAsync(s, JsonDocument.Parse(State).RootElement);
        await s.ScreenshotAsync("overview-no-data");

        await s.ById("lang").ClickAsync();
        await Expect(s.ById("city-3519055-measuredKwh")).ToHaveTextAsync("no data");
        await Expect(s.ById("city-3548906-completeness")).ToHaveTextAsync("5.1 %");
        headers = await HeadersAsync(s);
        Assert.Equal("Completeness", headers[Array.IndexOf(headers, "Saved (R$)") + 1]);
        s.AssertNoErrors();
    }

    [Fact]
    public async Task The_state_api_counts_each_citys_reporting_luminaires_and_the_overview_shows_no_data_for_a_silent_city()
    {
        // São Carlos as in the other tests, and Holambra with the same 2 luminaires and 5 Wi-Fi points, all silent
        var registry = JsonNode.Parse(Api.CityEndpointTests.Registry)!;
        var cities = registry["cities"]!.AsArray();
        var holambra = cities[0]!.DeepClone();
        holambra["ibge"] = "3519055";
        holambra["name"] = "Holambra";
        holambra["devicePrefix"] = "hb";
        holambra["latitude"] = -22.6336;
        holambra["longitude"] = -47.0553;
        cities.Add(holambra);
        var dir = Directory.CreateTempSubdirectory("ci-dash-silent-").FullName;
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, registry.ToJsonString());
        await using (var cloud = await CloudApp.StartAsync(null, "--Registry:File", file))
        {
            const string lamp = "sc-lum-000001";
            var dev = await cloud.DeviceAsync(lamp);
            var t1 = DateTimeOffset.UtcNow.AddMinutes(-1);
            await dev.PublishAsync(Payload.Topic(lamp, "telemetry"), Payload.Luminaire(1, t1.AddMinutes(-15), energyWh: 1000));
            await dev.PublishAsync(Payload.Topic(lamp, "telemetry"), Payload.Luminaire(2, t1, energyWh: 1013.75));
            var month = ApiEndpoints.Month(t1);
            JsonElement state = default;
            await Wait.UntilAsync(async () =>
            {
                state = await cloud.GetJsonAsync($"/api/state?month={month}");
                return state.GetProperty("cities")[0].GetProperty("reportingLuminaires").GetInt32() == 1;
            }, "São Carlos's luminaire to count as reporting");
            var rows = state.GetProperty("cities").EnumerateArray().ToDictionary(c => c.GetProperty("ibge").GetString()!);
            Assert.Equal(2, rows["3548906"].GetProperty("inventoryLuminaires").GetInt32());
            Assert.Equal(0, rows["3519055"].GetProperty("reportingLuminaires").GetInt32());
            Assert.Equal(2, rows["3519055"].GetProperty("inventoryLuminaires").GetInt32());

            await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
            await s.GoAsync($"/?month={month}");
            await s.Page.Locator($"[data-testid=state-table][data-month='{month}']").WaitForAsync();
            foreach (var f in MeasuredFields)
            {
                await Expect(s.ById($"city-3519055-{f}")).ToHaveTextAsync("sem dados");
                await Expect(s.ById($"city-3548906-{f}")).Not.ToHaveTextAsync("sem dados");
            }
            await DashboardExpectations.OverviewMatchesAsync(s, state);
            s.AssertNoErrors();
        }
        Directory.Delete(dir, true);
    }
}
