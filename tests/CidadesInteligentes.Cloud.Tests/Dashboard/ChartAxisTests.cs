using System.Globalization;
using CidadesInteligentes.Cloud.Tests.Host;
using Microsoft.Playwright;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>The value axis of the line charts: every gridline's label is the value it stands at.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ChartAxisTests(DashboardBrowser browser)
{
    // a small city early in the month: a few kWh a day, so the axis runs 0–5 kWh with gridlines every 1.25 kWh
    private const string Savings = """
        {"ibge":"3548906","month":"2026-10","measuredKwh":5.6,"baselineKwh":12.2,"savingsKwh":6.6,"savingsBrl":4.95,"aneelBaselineKwh":13.5,"aneelLedKwh":6.2,
         "spendBeforeBrl":10.1,"spendAfterBrl":4.6,"billSavingsBrl":5.5,"spendToRevenueBefore":0.0001,"spendToRevenueAfter":0.0001,"savingsPercentOfRevenue":0.0001,
         "costToCip":0.01,"paybackMonths":null,"co2AvoidedT":0.0003,"completeness":1,"reportingLuminaires":2,"inventoryLuminaires":2,"adjustments":[],
         "daily":[{"date":"2026-10-01","measuredKwh":1.8,"baselineKwh":4.1,"aneelBaselineKwh":4.5},{"date":"2026-10-02","measuredKwh":1.9,"baselineKwh":4.0,"aneelBaselineKwh":4.5},{"date":"2026-10-03","measuredKwh":1.9,"baselineKwh":4.1,"aneelBaselineKwh":4.5}]}
        """;

    private static async Task<double[]> ValueAxisAsync(DashboardSession s, string chartTestId)
    {
        // the value labels are the end-anchored texts left of the plot, from the bottom gridline up
        var labels = await s.Page.Locator($"[data-testid={chartTestId}] text.axis").EvaluateAllAsync<string[][]>(
            "ts => ts.map(t => [t.getAttribute('x'), t.getAttribute('y'), t.textContent])");
        var minX = labels.Min(l => double.Parse(l[0], CultureInfo.InvariantCulture));
        return labels.Where(l => double.Parse(l[0], CultureInfo.InvariantCulture) == minX)
            .OrderByDescending(l => double.Parse(l[1], CultureInfo.InvariantCulture))
            .Select(l => PtBrNumber.Parse(l[2]) ?? double.NaN).ToArray();
    }

    private static void AssertEvenlySpaced(double[] ticks, string what)
    {
        Assert.True(ticks.Length >= 3, $"{what}: {ticks.Length} value labels");
        var step = ticks[1] - ticks[0];
        Assert.True(step > 0, $"{what}: labels {string.Join(" | ", ticks)}");
        for (var i = 1; i < ticks.Length; i++)
        {
            // the gridlines are evenly spaced, so their labels must be too
            Assert.True(Math.Abs(ticks[i] - ticks[i - 1] - step) < 1e-9,
                $"{what}: the gridlines are evenly spaced but labelled {string.Join(" | ", ticks.Select(t => t.ToString(CultureInfo.InvariantCulture)))}");
        }
    }

    [Fact]
    public async Task Daily_energy_axis_of_a_small_city_labels_each_gridline_with_its_own_value()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.Page.RouteAsync("**/api/**", r =>
        {
            var url = r.Request.Url;
            return url.Contains("/api/live", StringComparison.Ordinal) ? r.ContinueAsync()
                : r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json",
                    Body = url.Contains("/savings", StringComparison.Ordinal) ? Savings : url.Contains("/wifi", StringComparison.Ordinal) ? "{}" : "[]" });
        });
        await s.GoAsync("/city/3548906?month=2026-10");
        await s.ById("daily-chart").WaitForAsync();
        AssertEvenlySpaced(await ValueAxisAsync(s, "daily-chart"), "daily energy (kWh)");
        s.AssertNoErrors();
    }

    [Fact]
    public async Task The_chart_of_a_device_never_seen_does_not_repeat_value_labels()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.Page.RouteAsync("**/api/devices/sc-lum-000001", r => r.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200, ContentType = "application/json",
            Body = """{"id":"sc-lum-000001","city":"3548906","kind":"luminaire","online":false,"lastSeen":null,"openAlerts":0,"recent":[],"events":[],"commands":[]}""",
        }));
        await s.GoAsync("/device/sc-lum-000001");
        await s.ById("device-chart").WaitForAsync();
        AssertEvenlySpaced(await ValueAxisAsync(s, "device-chart"), "device chart");
        s.AssertNoErrors();
    }
}
