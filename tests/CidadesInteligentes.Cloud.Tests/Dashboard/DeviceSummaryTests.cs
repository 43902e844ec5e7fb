using CidadesInteligentes.Cloud.Tests.Host;
using Microsoft.Playwright;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>The device page's summary cards for states the other device tests do not reach.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DeviceSummaryTests(DashboardBrowser browser)
{
    private static string Hotspot(string portalOk) =>
        $$"""{"id":"sc-wifi-01","city":"3548906","kind":"hotspot","name":"Praça XV","online":true,"lastSeen":"2026-10-03T10:00:00Z","openAlerts":1,"portalOk":{{portalOk}},"backhaulUp":true,"clients":4,"recent":[],"events":[],"commands":[]}""";

    private static async Task<DashboardSession> OpenHotspotAsync(DashboardBrowser browser, CloudApp cloud, string body)
    {
        var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.Page.RouteAsync("**/api/devices/sc-wifi-01", r => r.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = body }));
        await s.GoAsync("/device/sc-wifi-01");
        return s;
    }

    [Fact]
    public async Task A_captive_portal_that_is_down_reads_as_down_not_as_no_data()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using (var down = await OpenHotspotAsync(browser, cloud, Hotspot("false")))
        {
            Assert.Equal("Fora do ar", await down.TextAsync("device-portalOk"));
            down.AssertNoErrors();
        }
        await using (var up = await OpenHotspotAsync(browser, cloud, Hotspot("true")))
        {
            Assert.Equal("OK", await up.TextAsync("device-portalOk"));
        }
        await using (var unknown = await OpenHotspotAsync(browser, cloud, Hotspot("null")))
        {
            Assert.Equal("—", await unknown.TextAsync("device-portalOk"));
        }
    }
}
