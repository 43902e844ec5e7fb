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
/// that follows live updates, and no more than 50 rows until all are asked for.
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

    private async Task<CloudApp> CloudAsync(string dir)
    {
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, Registry);
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

        // the 15 rows past the first 50 are not drawn until asked for
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar todos (65)");
        await s.ById("devices-more").ClickAsync();
        await Expect(Rows(s)).ToHaveCountAsync(65);
        Assert.Equal(expected, await RowIdsAsync(s));
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar menos");

        // a filter shows only its devices, again at most 50 of them
        await s.ById("devices-filter-never").ClickAsync();
        await Expect(s.ById("devices-filter-never")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(s.ById("devices-filter-all")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(Rows(s)).ToHaveCountAsync(50);
        Assert.Equal(neverSeen.Take(50), await RowIdsAsync(s));
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Mostrar todos (61)");
        await s.ById("devices-filter-offline").ClickAsync();
        await Expect(Rows(s)).ToHaveCountAsync(1);
        Assert.Equal([Offline], await RowIdsAsync(s));
        await s.ById("devices-filter-alert").ClickAsync();
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
        await Expect(s.ById("devices-more")).ToHaveTextAsync("Show all (65)");
        Assert.Equal([OnlineA, Alerting, Offline, Lum(1), OnlineB], (await RowIdsAsync(s)).Take(5));
        s.AssertNoErrors();
        Directory.Delete(dir, true);
    }
}
