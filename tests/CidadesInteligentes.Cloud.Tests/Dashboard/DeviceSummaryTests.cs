using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

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

    [Fact]
    public async Task A_device_that_comes_back_shows_online_and_when_it_was_last_seen_from_its_status_or_events()
    {
        const string lamp = "sc-lum-000020";
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync(lamp);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        await dev.PublishAsync(Payload.Topic(lamp, "status"), Payload.Status("offline", t0), 1, retain: true);
        await Wait.UntilAsync(async () => !(await cloud.GetJsonAsync($"/api/devices/{lamp}")).GetProperty("online").GetBoolean(), "offline");

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync($"/device/{lamp}");
        Assert.Equal("Offline", await s.TextAsync("device-online"));
        var before = await s.TextAsync("device-lastSeen");
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers > 0, "the page subscribed to /api/live");

        // a fault report is the first thing heard from it: the cloud counts it as online again, seen now
        await dev.PublishAsync(Payload.Topic(lamp, "event"), Payload.Event(1, DateTimeOffset.UtcNow, "lampFailure", true, "power 0.4 W with lamp on"));
        await Expect(s.ById("device-events")).ToContainTextAsync("lampFailure");
        var api = await cloud.GetJsonAsync($"/api/devices/{lamp}");
        Assert.True(api.GetProperty("online").GetBoolean());
        await Expect(s.ById("device-online")).ToHaveTextAsync("Online");
        await Expect(s.ById("device-lastSeen")).Not.ToHaveTextAsync(before);

        // a status message is seen too
        await dev.PublishAsync(Payload.Topic(lamp, "status"), Payload.Status("offline", DateTimeOffset.UtcNow.AddMinutes(2)), 1, retain: true);
        await Expect(s.ById("device-online")).ToHaveTextAsync("Offline");
        Assert.NotEqual("—", await s.TextAsync("device-lastSeen"));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task A_late_replayed_reading_joins_the_series_in_its_place_and_does_not_replace_the_newest_one()
    {
        const string lamp = "sc-lum-000020";
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync(lamp);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-4);
        await dev.PublishAsync(Payload.Topic(lamp, "status"), Payload.Status("online", t0), 1, retain: true);
        await dev.PublishAsync(Payload.Topic(lamp, "telemetry"), Payload.Luminaire(1, t0, energyWh: 1000, powerW: 55, dim: 100));

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync($"/device/{lamp}");
        Assert.Equal("55,0", await s.TextAsync("device-powerW"));
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers > 0, "the page subscribed to /api/live");

        // the newest reading, then one from the device's outbox that had not gone out (an older seq and time)
        await dev.PublishAsync(Payload.Topic(lamp, "telemetry"), Payload.Luminaire(3, t0.AddMinutes(2), energyWh: 1002, powerW: 80, dim: 100));
        await dev.PublishAsync(Payload.Topic(lamp, "telemetry"), Payload.Luminaire(2, t0.AddMinutes(1), energyWh: 1001, powerW: 20, dim: 30));
        await Expect(s.ById("device-chart")).ToHaveAttributeAsync("data-points", "3");
        var api = await cloud.GetJsonAsync($"/api/devices/{lamp}");
        Assert.Equal(80, api.GetProperty("powerW").GetDouble());
        Assert.Equal("80,0", await s.TextAsync("device-powerW"));
        Assert.Equal("100", await s.TextAsync("device-dimPercent"));
        // the series is drawn in time order, as after a reload: 55, 20, 80
        var ys = await s.Page.Locator("[data-testid=device-chart] path.series").First.GetAttributeAsync("d");
        var points = ys!.Split(['M', 'L'], StringSplitOptions.RemoveEmptyEntries).Select(p => double.Parse(p.Trim().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(points[1] > points[0] && points[1] > points[2], $"power line y coordinates {string.Join(", ", points)}: 20 W is not in the middle");
        s.AssertNoErrors();
    }
}
