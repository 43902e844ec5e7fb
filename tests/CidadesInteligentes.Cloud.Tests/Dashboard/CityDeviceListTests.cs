using CidadesInteligentes.Cloud.Api;
using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// The city page's device list against the real cloud: the devices that need an engineer first, a filter by state
/// that follows live updates, and 50 rows at a time.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class CityDeviceListTests(DashboardBrowser browser)
{
    // São Carlos with 60 luminaires and 5 Wi-Fi points: 65 devices, more than the 50 rows the list shows at first
    private static readonly string Registry = Api.CityEndpointTests.Registry.Replace("\"fleet\":{\"luminaires\":2,", "\"fleet\":{\"luminaires\":60,", StringComparison.Ordinal);

    private const string Alerting = "sc-lum-000012", Offline = "sc-lum-000003", OnlineA = "sc-lum-000005", OnlineB = "sc-lum-000007";

    private readonly Dictionary<string, MqttClient> _devices = new(StringComparer.Ordinal);

    private static string Lum(int n) => $"sc-lum-{n:D6}";

    private static ILocator Rows(DashboardSession s) => s.Page.Locator("tbody tr[data-testid^='device-']");

    private static async Task<string[]> RowIdsAsync(DashboardSession s) =>
        await Rows(s).EvaluateAllAsync<string[]>("rs => rs.map(r => r.getAttribute('data-testid').slice('device-'.length))");

    private async Task<CloudApp> CloudAsync(string dir, string? registry = null)
    {
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, registry ?? Registry);
        var cloud = await CloudApp.StartAsync(null, "--Registry:File", file);
        var now = DateTimeOffset.UtcNow;
        foreach (var id in new[] { Alerting, OnlineA, OnlineB })
        {
            var dev = _devices[id] = await cloud.DeviceAsync(id);
            await dev.PublishAsync(Payload.Topic(id, "status"), Payload.Status("online", now.AddMinutes(-5)), 1, retain: true);
            await dev.PublishAsync(Payload.Topic(id, "telemetry"), Payload.Luminaire(1, now.AddMinutes(-4)));
        }
        await _devices[Alerting].PublishAsync(Payload.Topic(Alerting, "event"), Payload.Event(2, now.AddMinutes(-3), "lampFailure", active: true));
        // a clean shutdown: seen before, offline now, and no communication-loss alert
        var off = await cloud.DeviceAsync(Offline);
        await off.PublishAsync(Payload.Topic(Offline, "status"), $$"""{"v":1,"state":"offline","ts":"{{Payload.Ts(now.AddMinutes(-2))}}","reason":"shutdown"}""", 1, retain: true);
        await Wait.UntilAsync(async () =>
        {
            var devices = (await cloud.GetJsonAsync($"/api/devices?city={Payload.City}")).EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
            return devices[Alerting].GetProperty("openAlerts").GetInt32() == 1 && devices[Offline].GetProperty("lastSeen").ValueKind != System.Text.Json.JsonValueKind.Null
                && devices[OnlineA].GetProperty("online").GetBoolean() && devices[OnlineB].GetProperty("online").GetBoolean();
        }, "the cloud to know the four devices' states");
        return cloud;
    }

    [Fact]
    public async Task Devices_with_alerts_come_first_then_offline_online_and_never_seen_and_the_filter_follows_live_updates()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-list-").FullName;
        await using var cloud = await CloudAsync(dir);
        var month = ApiEndpoints.Month(DateTimeOffset.UtcNow);
        // alerts, offline after reporting, online, then never seen; each group by id (luminaires before Wi-Fi points)
        string[] neverSeen = [.. Enumerable.Range(1, 60).Select(Lum).Except([Alerting, Offline, OnlineA, OnlineB]), .. Enumerable.Range(1, 5).Select(n => $"sc-wifi-{n:D2}")];
        string[] expected = [Alerting, Offline, OnlineA, OnlineB, .. neverSeen];
        Assert.Equal(65, expected.Length);

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync($"/city/{Payload.City}?month={month}");
        await Expect(Rows(s)).ToHaveCountAsync(50);
        Assert.Equal(expected.Take(50), await RowIdsAsync(s));
        await Expect(s.ById($"device-{Alerting}-state")).ToHaveTextAsync("Com alerta");
        await Expect(s.ById($"device-{Offline}-state")).ToHaveTextAsync("Offline");
        // a device that never reported has lost nothing: its state says so, as its filter does
        await Expect(s.ById($"device-{neverSeen[0]}-state")).ToHaveTextAsync("Nunca visto");
        await Expect(s.ById("devices-filter-all")).ToHaveTextAsync("Todos (65)");
        await Expect(s.ById("devices-filter-all")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(s.ById("devices-filter-alert")).ToHaveTextAsync("Com alerta (1)");
        await Expect(s.ById("devices-filter-offline")).ToHaveTextAsync("Offline (1)");
        await Expect(s.ById("devices-filter-never")).ToHaveTextAsync("Nunca visto (61)");

        // the 15 rows past the first 50 are not drawn until asked for: the next page comes under the first
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar mais (15 restantes)");
        await s.ById("devices-more").ClickAsync();
        await Expect(Rows(s)).ToHaveCountAsync(65);
        Assert.Equal(expected, await RowIdsAsync(s));
        await Expect(s.ById("devices-more")).ToHaveCountAsync(0);

        // a filter shows only its devices, again at most 50 of them
        await s.ById("devices-filter-never").ClickAsync();
        await Expect(s.ById("devices-filter-never")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(s.ById("devices-filter-all")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(Rows(s)).ToHaveCountAsync(50);
        Assert.Equal(neverSeen.Take(50), await RowIdsAsync(s));
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar mais (11 restantes)");
        await s.ById("devices-filter-offline").ClickAsync();
        await Expect(Rows(s)).ToHaveCountAsync(1);
        Assert.Equal([Offline], await RowIdsAsync(s));
        await s.ById("devices-filter-alert").ClickAsync();
        // the offline filter's list also has one row: wait for the alerting device's row, not for a count of one
        await Expect(s.Page.Locator($"tbody tr[data-testid='device-{Alerting}']")).ToHaveCountAsync(1);
        await Expect(Rows(s)).ToHaveCountAsync(1);
        Assert.Equal([Alerting], await RowIdsAsync(s));
        await Expect(s.ById("devices-more")).ToHaveCountAsync(0);
        // nothing else under the one row (no stray text where the control was)
        await Expect(s.Page.Locator("section.panel", new() { Has = s.ById("devices") })).Not.ToContainTextAsync("null");
        await s.ScreenshotAsync("city-devices-alert-filter");

        // live: a fault opens on an online lamp and a never-seen lamp reports; the page redraws with the filter kept
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers > 0, "the page subscribed to /api/live");
        await _devices[OnlineA].PublishAsync(Payload.Topic(OnlineA, "event"), Payload.Event(3, DateTimeOffset.UtcNow, "lampFailure", active: true));
        var first = await cloud.DeviceAsync(Lum(1));
        await first.PublishAsync(Payload.Topic(Lum(1), "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow));
        await Expect(s.ById("devices-filter-alert")).ToHaveTextAsync("Com alerta (2)");
        await Expect(s.ById("devices-filter-never")).ToHaveTextAsync("Nunca visto (60)");
        await Expect(s.ById("devices-filter-alert")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Rows(s)).ToHaveCountAsync(2);
        Assert.Equal([OnlineA, Alerting], await RowIdsAsync(s));

        // in English, from the whole list again
        await s.ById("lang").ClickAsync();
        await Expect(s.ById("devices-filter-all")).ToHaveTextAsync("All (65)");
        await Expect(s.ById("devices-filter-alert")).ToHaveTextAsync("With alerts (2)");
        await Expect(s.ById("devices-filter-offline")).ToHaveTextAsync("Offline (1)");
        await Expect(s.ById("devices-filter-never")).ToHaveTextAsync("Never seen (60)");
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Show more (15 remaining)");
        Assert.Equal([OnlineA, Alerting, Offline, Lum(1), OnlineB], (await RowIdsAsync(s)).Take(5));
        s.AssertNoErrors();
        Directory.Delete(dir, true);
    }

    // São Carlos with 3,000 luminaires and 5 Wi-Fi points: a big city, whose whole list the page must never ask for
    private static readonly string BigRegistry = Api.CityEndpointTests.Registry.Replace("\"fleet\":{\"luminaires\":2,", "\"fleet\":{\"luminaires\":3000,", StringComparison.Ordinal);

    [Fact]
    public async Task A_city_of_3000_devices_is_listed_a_page_at_a_time_and_the_map_draws_a_capped_set_with_every_problem_device()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-big-").FullName;
        await using var cloud = await CloudAsync(dir, BigRegistry);
        var month = ApiEndpoints.Month(DateTimeOffset.UtcNow);
        string[] neverSeen = [.. Enumerable.Range(1, 3000).Select(Lum).Except([Alerting, Offline, OnlineA, OnlineB]), .. Enumerable.Range(1, 5).Select(n => $"sc-wifi-{n:D2}")];
        string[] expected = [Alerting, Offline, OnlineA, OnlineB, .. neverSeen];
        Assert.Equal(3005, expected.Length);

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        var deviceRequests = new List<string>();
        s.Page.Request += (_, r) =>
        {
            if (r.Url.Contains("/api/devices", StringComparison.Ordinal))
            {
                lock (deviceRequests)
                {
                    deviceRequests.Add(r.Url);
                }
            }
        };
        await s.GoAsync($"/city/{Payload.City}?month={month}");
        await Expect(Rows(s)).ToHaveCountAsync(50);
        Assert.Equal(expected.Take(50), await RowIdsAsync(s));
        await Expect(s.ById("devices-filter-all")).ToHaveTextAsync("Todos (3.005)");
        await Expect(s.ById("devices-filter-alert")).ToHaveTextAsync("Com alerta (1)");
        await Expect(s.ById("devices-filter-offline")).ToHaveTextAsync("Offline (1)");
        await Expect(s.ById("devices-filter-never")).ToHaveTextAsync("Nunca visto (3.001)");

        // the map: 2,000 dots of 3,005, the alerting and the offline lamp among them
        await Expect(s.Page.Locator("[data-testid=device-map] .dot")).ToHaveCountAsync(2000);
        await Expect(s.ById("map-shown")).ToHaveTextAsync("2.000 de 3.005 mostrados");
        Assert.Contains("alert", await s.ById($"dot-{Alerting}").GetAttributeAsync("class"), StringComparison.Ordinal);
        Assert.Contains("offline", await s.ById($"dot-{Offline}").GetAttributeAsync("class"), StringComparison.Ordinal);

        // the next 50 come under the first 50
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar mais (2.955 restantes)");
        await s.ById("devices-more").ClickAsync();
        await Expect(Rows(s)).ToHaveCountAsync(100);
        Assert.Equal(expected.Take(100), await RowIdsAsync(s));
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar mais (2.905 restantes)");

        // a live redraw re-reads the 100 rows shown, and keeps them
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers > 0, "the page subscribed to /api/live");
        await _devices[OnlineB].PublishAsync(Payload.Topic(OnlineB, "event"), Payload.Event(3, DateTimeOffset.UtcNow, "lampFailure", active: true));
        await Expect(s.ById("devices-filter-alert")).ToHaveTextAsync("Com alerta (2)");
        // the list had 100 rows before the redraw too, and the counts may come before the rows: wait for the new first row
        await Expect(Rows(s).First).ToHaveAttributeAsync("data-testid", $"device-{OnlineB}");
        await Expect(Rows(s)).ToHaveCountAsync(100);
        Assert.Equal([OnlineB, Alerting, Offline, OnlineA], (await RowIdsAsync(s)).Take(4));

        // a filter starts again at one page
        await s.ById("devices-filter-never").ClickAsync();
        await Expect(s.ById("devices-filter-never")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Rows(s)).ToHaveCountAsync(50);
        Assert.Equal(neverSeen.Take(50), await RowIdsAsync(s));
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar mais (2.951 restantes)");
        await s.ScreenshotAsync("city-devices-big");

        // every request for devices asked for a page: never the city's whole list
        string[] requests;
        lock (deviceRequests)
        {
            requests = [.. deviceRequests];
        }
        Assert.NotEmpty(requests);
        Assert.All(requests, url =>
        {
            var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
            Assert.True(int.TryParse(query["limit"], System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= 100, $"{url} asked for no page of at most 100 rows");
        });
        Assert.Contains(requests, url => url.Contains("limit=100&offset=0", StringComparison.Ordinal));
        s.AssertNoErrors();
        Directory.Delete(dir, true);
    }
}
