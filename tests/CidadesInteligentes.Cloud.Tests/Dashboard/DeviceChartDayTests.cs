using System.Globalization;
using CidadesInteligentes.Cloud.Tests.Host;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>The time axis of the device page's recent series: a series over several days says which day each tick is.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DeviceChartDayTests(DashboardBrowser browser)
{
    /// <summary>A luminaire whose recent series is <paramref name="count"/> readings every <paramref name="stepHours"/> h from <paramref name="first"/> (UTC).</summary>
    private static string Lamp(DateTimeOffset first, int count, double stepHours)
    {
        var recent = Enumerable.Range(0, count).Select(i =>
            $$"""{"v":1,"seq":{{i + 1}},"ts":"{{Payload.Ts(first.AddHours(i * stepHours))}}","energyWh":{{1000 + i}},"burnSeconds":{{i * 60}},"powerW":{{50 + i}},"dimPercent":100,"lampOn":true,"uptimeS":{{i * 60}}}""");
        return $$"""{"id":"sc-lum-000001","city":"3548906","kind":"luminaire","online":true,"lastSeen":"2026-12-08T23:45:00Z","openAlerts":0,"powerW":59,"dimPercent":100,"lampOn":true,"recent":[{{string.Join(",", recent)}}],"events":[],"commands":[]}""";
    }

    private static async Task<DashboardSession> OpenAsync(DashboardBrowser browser, CloudApp cloud, string device, int width = 1366)
    {
        var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!, width, 900);
        await s.Page.RouteAsync("**/api/devices/sc-lum-000001", r => r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = device }));
        await s.GoAsync("/device/sc-lum-000001");
        await s.ById("device-chart").WaitForAsync();
        return s;
    }

    /// <summary>
    /// The time axis's labels left to right with where each is drawn: the axis texts on the lowest line (the value
    /// axis's are left of the plot, above it). Narrow no-break spaces, as en-US puts before "PM", read as spaces.
    /// </summary>
    private static async Task<(string Text, double Left, double Right)[]> TimeAxisAsync(DashboardSession s)
    {
        var all = await s.Page.Locator("[data-testid=device-chart] text.axis").EvaluateAllAsync<string[][]>(
            "ts => ts.map(t => { const b = t.getBBox(); return [t.getAttribute('y'), String(b.x), String(b.x + b.width), t.textContent]; })");
        var lowest = all.Max(a => double.Parse(a[0], CultureInfo.InvariantCulture));
        return all.Where(a => double.Parse(a[0], CultureInfo.InvariantCulture) == lowest)
            .Select(a => (a[3].Replace('\u202f', ' '), double.Parse(a[1], CultureInfo.InvariantCulture), double.Parse(a[2], CultureInfo.InvariantCulture)))
            .OrderBy(a => a.Item2).ToArray();
    }

    private static async Task<string[]> TicksAsync(DashboardSession s) => (await TimeAxisAsync(s)).Select(a => a.Text).ToArray();

    [Fact]
    public async Task A_series_over_several_days_labels_its_ticks_with_the_day_and_the_time()
    {
        await using var cloud = await CloudApp.StartAsync();
        // every 6 h from 14:45 on 6 December (17:45 UTC; São Paulo is UTC−3) to 20:45 on the 8th: ten readings on three days
        var device = Lamp(new DateTimeOffset(2026, 12, 6, 17, 45, 0, TimeSpan.Zero), 10, 6);
        await using var s = await OpenAsync(browser, cloud, device);
        // ten readings leave room for every label on a laptop; 14:45 on the 6th and on the 7th are told apart
        Assert.Equal(
            ["06/12 14:45", "06/12 20:45", "07/12 02:45", "07/12 08:45", "07/12 14:45", "07/12 20:45", "08/12 02:45", "08/12 08:45", "08/12 14:45", "08/12 20:45"],
            await TicksAsync(s));
        await s.ScreenshotAsync("device-chart-days");
        await s.ById("lang").ClickAsync();
        await Expect(s.ById("device-id")).ToContainTextAsync("Luminaire");
        await s.ById("device-chart").WaitForAsync();
        var english = await TicksAsync(s);
        Assert.Equal("12/06 2:45 PM", english[0]);
        Assert.All(english, t => Assert.Matches(@"^12/0[678] \d{1,2}:45 [AP]M$", t));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task A_series_within_one_local_day_keeps_time_only_labels_even_across_midnight_utc()
    {
        await using var cloud = await CloudApp.StartAsync();
        // 19:00 to 23:00 on 6 December in São Paulo: 22:00 UTC on the 6th to 02:00 UTC on the 7th
        var device = Lamp(new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero), 5, 1);
        await using var s = await OpenAsync(browser, cloud, device);
        Assert.Equal(["19:00", "20:00", "21:00", "22:00", "23:00"], await TicksAsync(s));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task On_a_phone_the_day_and_time_labels_do_not_overlap()
    {
        await using var cloud = await CloudApp.StartAsync();
        var device = Lamp(new DateTimeOffset(2026, 12, 6, 17, 45, 0, TimeSpan.Zero), 10, 6);
        await using var s = await OpenAsync(browser, cloud, device, width: 390);
        var ticks = await TimeAxisAsync(s);
        Assert.True(ticks.Length >= 2, $"{ticks.Length} time labels on a phone");
        Assert.All(ticks, t => Assert.Matches(@"^\d{2}/\d{2} \d{2}:\d{2}$", t.Text));
        // each label ends before the next one begins, and none runs off the chart
        var width = await s.ById("device-chart").EvaluateAsync<double>("c => c.viewBox.baseVal.width");
        Assert.True(ticks[0].Left >= 0 && ticks[^1].Right <= width,
            string.Create(CultureInfo.InvariantCulture, $"labels run from x={ticks[0].Left:0.#} to x={ticks[^1].Right:0.#} on a chart {width} wide"));
        for (var i = 1; i < ticks.Length; i++)
        {
            Assert.True(ticks[i].Left >= ticks[i - 1].Right,
                string.Create(CultureInfo.InvariantCulture, $"'{ticks[i - 1].Text}' ends at x={ticks[i - 1].Right:0.#} but '{ticks[i].Text}' begins at x={ticks[i].Left:0.#}"));
        }
        s.AssertNoErrors();
    }
}
