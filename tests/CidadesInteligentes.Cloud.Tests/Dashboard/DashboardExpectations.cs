using System.Globalization;
using System.Text.Json;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>Compares what the overview and city pages show with the API documents they were drawn from (docs/api.md).</summary>
internal static class DashboardExpectations
{
    // the figures measured by the luminaires: "sem dados" for a city none of whose luminaires reported in the month
    private static readonly string[] MeasuredCityFields = ["measuredKwh", "baselineKwh", "savingsKwh", "savingsBrl"];

    // the city page also says "sem dados" for the CO₂ avoided, which follows from the measured savings
    private static readonly string[] MeasuredSavingsFields = [.. MeasuredCityFields, "co2AvoidedT"];

    private static readonly string[] CityFields =
    [
        "savingsPercentOfRevenue", "paybackMonths", "wifiCompliantPoints", "requiredWifiPoints", "devicesOnline", "devicesTotal", "openAlerts",
    ];

    private static readonly string[] TotalFields =
    [
        "measuredKwh", "baselineKwh", "savingsKwh", "savingsBrl", "billSavingsBrl", "compliantCities", "cities", "devicesOnline", "devicesTotal", "openAlerts",
    ];

    private static readonly string[] SavingsFields =
    [
        "measuredKwh", "baselineKwh", "savingsKwh", "savingsBrl", "aneelBaselineKwh", "spendBeforeBrl", "spendAfterBrl", "billSavingsBrl",
        "savingsPercentOfRevenue", "paybackMonths", "co2AvoidedT",
    ];

    public static async Task OverviewMatchesAsync(DashboardSession s, JsonElement state)
    {
        var totals = state.GetProperty("totals");
        var cities = state.GetProperty("cities");
        // no city reported: the state's measured totals say "sem dados" as each city's row does
        var noneReported = cities.GetArrayLength() > 0 && cities.EnumerateArray().All(c => c.GetProperty("reportingLuminaires").GetInt32() == 0);
        foreach (var f in TotalFields)
        {
            if (noneReported && MeasuredCityFields.Contains(f))
            {
                Assert.Equal("sem dados", await s.TextAsync($"total-{f}"));
            }
            else
            {
                await s.AssertNumberAsync($"total-{f}", totals, f);
            }
        }
        Assert.Equal(cities.GetArrayLength(), await s.Page.Locator("[data-testid=state-table] tbody tr").CountAsync());
        foreach (var c in cities.EnumerateArray())
        {
            var ibge = c.GetProperty("ibge").GetString();
            Assert.Equal(c.GetProperty("name").GetString(), await s.TextAsync($"city-{ibge}-link"));
            var silent = c.GetProperty("reportingLuminaires").GetInt32() == 0;
            foreach (var f in MeasuredCityFields)
            {
                if (silent)
                {
                    Assert.Equal("sem dados", await s.TextAsync($"city-{ibge}-{f}"));
                }
                else
                {
                    await s.AssertNumberAsync($"city-{ibge}-{f}", c, f);
                }
            }
            foreach (var f in CityFields)
            {
                await s.AssertNumberAsync($"city-{ibge}-{f}", c, f);
            }
            // completeness and cost ÷ CIP are fractions; the table shows them as percentages (as the monthly report does)
            await s.AssertNumberAsync($"city-{ibge}-completeness", c, "completeness", scale: 100);
            await s.AssertNumberAsync($"city-{ibge}-costToCip", c, "costToCip", scale: 100);
        }
    }

    public static async Task SavingsMatchAsync(DashboardSession s, JsonElement savings)
    {
        // no luminaire reported in the month: the figures drawn from readings say "sem dados", as the overview's row does
        var silent = savings.GetProperty("reportingLuminaires").GetInt32() == 0;
        foreach (var f in SavingsFields)
        {
            if (silent && MeasuredSavingsFields.Contains(f))
            {
                Assert.Equal("sem dados", await s.TextAsync($"savings-{f}"));
            }
            else
            {
                await s.AssertNumberAsync($"savings-{f}", savings, f);
            }
        }
        // completeness and cost ÷ CIP are fractions; the page shows them as percentages (as the monthly report does)
        await s.AssertNumberAsync("savings-completeness", savings, "completeness", scale: 100);
        await s.AssertNumberAsync("savings-costToCip", savings, "costToCip", scale: 100);
        var days = savings.GetProperty("daily").GetArrayLength();
        if (days > 0)
        {
            // measured, Option B baseline and ANEEL estimate
            Assert.Equal(3, await s.Page.Locator("[data-testid=daily-chart] path.series").CountAsync());
        }
        // one marker per day and series with a value
        var values = savings.GetProperty("daily").EnumerateArray()
            .Sum(d => new[] { "measuredKwh", "baselineKwh", "aneelBaselineKwh" }.Count(f => d.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.Number));
        Assert.Equal(values, await s.Page.Locator("[data-testid=daily-chart] circle").CountAsync());
    }

    public static async Task WifiMatchesAsync(DashboardSession s, JsonElement wifi)
    {
        await s.AssertNumberAsync("wifi-compliantPoints", wifi, "compliantPoints");
        await s.AssertNumberAsync("wifi-requiredPoints", wifi, "requiredPoints");
        foreach (var p in wifi.GetProperty("points").EnumerateArray())
        {
            var id = p.GetProperty("device").GetString();
            await s.AssertNumberAsync($"wifi-{id}-availability", p, "availability", scale: 100);
            await s.AssertNumberAsync($"wifi-{id}-medianDownMbps", p, "medianDownMbps");
            await s.AssertNumberAsync($"wifi-{id}-medianUpMbps", p, "medianUpMbps");
            await s.AssertNumberAsync($"wifi-{id}-p95LatencyMs", p, "p95LatencyMs");
            await s.AssertNumberAsync($"wifi-{id}-daysUsed", p, "daysUsed");
            var segments = p.GetProperty("timeline").GetArrayLength();
            if (segments > 0)
            {
                Assert.Equal(segments.ToString(CultureInfo.InvariantCulture),
                    (await s.Page.Locator($"[data-testid=wifi-{id}-timeline] rect[data-state]").CountAsync()).ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
