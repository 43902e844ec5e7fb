using System.Text.Json;
using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

[Collection(DashboardCollection.Name)]
public sealed class DevicePageTests(DashboardBrowser browser)
{
    private const string Lamp = "sc-lum-000020";

    [Fact]
    public async Task Device_page_shows_the_same_reading_series_and_events_as_the_api_on_laptop_and_phone()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync(Lamp);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", t0), 1, retain: true);
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(1, t0, energyWh: 1000, powerW: 55, dim: 100));
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(2, t0.AddMinutes(1), energyWh: 1001, powerW: 32.75, dim: 60));
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(3, t0.AddMinutes(2), energyWh: 1002, powerW: 1234.5, dim: 70));
        await dev.PublishAsync(Payload.Topic(Lamp, "event"), Payload.Event(4, t0.AddMinutes(3), "lampFailure", active: true, detail: "power 2 W at 100 %"));
        await Wait.UntilAsync(async () => (await cloud.GetJsonAsync($"/api/devices/{Lamp}")).GetProperty("events").GetArrayLength() == 1, "event stored");
        var api = await cloud.GetJsonAsync($"/api/devices/{Lamp}");

        foreach (var (name, width, height) in new[] { ("laptop", 1366, 900), ("phone", 390, 844) })
        {
            await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!, width, height);
            await s.GoAsync($"/device/{Lamp}");
            Assert.Equal("Online", await s.TextAsync("device-online"));
            // 1234.5 W → pt-BR "1.234,5": thousands dot, decimal comma
            Assert.Equal("1.234,5", await s.TextAsync("device-powerW"));
            await s.AssertNumberAsync("device-powerW", api, "powerW");
            await s.AssertNumberAsync("device-dimPercent", api, "dimPercent");
            await s.AssertNumberAsync("device-openAlerts", api, "openAlerts");
            Assert.Equal(api.GetProperty("recent").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
                await s.ById("device-chart").GetAttributeAsync("data-points"));
            Assert.Equal(2, await s.Page.Locator("[data-testid=device-chart] path.series").CountAsync());
            await Expect(s.ById("device-events")).ToContainTextAsync("lampFailure");
            await Expect(s.ById("device-events")).ToContainTextAsync("power 2 W at 100 %");
            await s.ScreenshotAsync($"device-{name}");
            s.AssertNoErrors();
        }
    }

    [Fact]
    public async Task An_override_sent_from_the_page_reaches_the_device_and_the_page_shows_its_ack()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-keys-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["operator op-key-dashboard-0123456789 carla"]);
        try
        {
            await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys);
            var dev = await cloud.DeviceAsync(Lamp);
            await dev.SubscribeAsync(Payload.Topic(Lamp, "cmd"), 1);
            await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", DateTimeOffset.UtcNow), 1, retain: true);
            await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow));

            await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
            await s.GoAsync($"/device/{Lamp}");
            await s.ById("api-key").FillAsync("op-key-dashboard-0123456789");
            await s.ById("override-dim").FillAsync("40");
            await s.ById("override-duration").FillAsync("900");
            await s.ById("override-send").ClickAsync();

            var received = await Wait.ForAsync(dev.Messages.ReadAsync().AsTask(), "command delivered to the device");
            var cmd = JsonDocument.Parse(received.Payload).RootElement;
            Assert.Equal("setOverride", cmd.GetProperty("type").GetString());
            Assert.Equal(40, cmd.GetProperty("dimPercent").GetInt32());
            Assert.Equal(900, cmd.GetProperty("durationS").GetInt32());
            var id = cmd.GetProperty("id").GetString()!;
            await Expect(s.ById("command-id")).ToHaveTextAsync(id);
            await Expect(s.ById("command-result")).ToHaveTextAsync("Aguardando confirmação…");

            await dev.PublishAsync(Payload.Topic(Lamp, "cmd/ack"),
                $$"""{"v":1,"seq":2,"ts":"{{Payload.Ts(DateTimeOffset.UtcNow)}}","id":"{{id}}","result":"ok","detail":"override 40% for 900 s"}""");
            await Expect(s.ById("command-result")).ToHaveTextAsync("ok");
            await Expect(s.ById("command-detail")).ToContainTextAsync("override 40% for 900 s");
            await Expect(s.ById($"command-{id}")).ToContainTextAsync("carla");
            // the key is kept for the next visit, and the API agrees with what the page shows
            Assert.Equal("op-key-dashboard-0123456789", await s.Page.EvaluateAsync<string>("localStorage.getItem('ci.apiKey')"));
            var api = await cloud.GetJsonAsync($"/api/devices/{Lamp}/commands/{id}");
            Assert.Equal("ok", api.GetProperty("result").GetString());
            await s.ScreenshotAsync("device-command-ack");
            s.AssertNoErrors();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_command_the_device_never_answers_ends_as_unacknowledged_at_its_expiry_in_the_api_and_on_the_page()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-keys-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["operator op-key-dashboard-0123456789 carla"]);
        try
        {
            await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys);
            var dev = await cloud.DeviceAsync(Lamp);
            await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", DateTimeOffset.UtcNow), 1, retain: true);
            await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow));
            using var send = new HttpRequestMessage(HttpMethod.Post, $"/api/devices/{Lamp}/commands")
            {
                Content = new StringContent("""{"type":"requestStatus","expiresInS":10}""", System.Text.Encoding.UTF8, "application/json"),
            };
            send.Headers.Authorization = new("Bearer", "op-key-dashboard-0123456789");
            var sent = await cloud.Http.SendAsync(send);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, sent.StatusCode);
            var command = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement;
            var id = command.GetProperty("id").GetString()!;
            Assert.Equal("pending", command.GetProperty("state").GetString());
            var expiresAt = command.GetProperty("expiresAt").GetDateTimeOffset();

            // the device stays silent: past expiresAt it can no longer carry the command out, and the API says so
            await Wait.UntilAsync(async () => (await cloud.GetJsonAsync($"/api/devices/{Lamp}/commands/{id}")).GetProperty("state").GetString() != "pending",
                "the command to leave 'pending' at its expiry", TimeSpan.FromSeconds(20));
            Assert.True(DateTimeOffset.UtcNow >= expiresAt, "left 'pending' before its expiresAt");
            var api = await cloud.GetJsonAsync($"/api/devices/{Lamp}/commands/{id}");
            Assert.Equal("unacknowledged", api.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, api.GetProperty("result").ValueKind);

            await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
            await s.GoAsync($"/device/{Lamp}");
            await Expect(s.Page.Locator($"[data-testid=command-{id}] td[data-state=unacknowledged]")).ToHaveTextAsync("Sem confirmação (expirou)");
            s.AssertNoErrors();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Live_telemetry_updates_the_open_device_page_and_the_english_toggle_reformats_it()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync(Lamp);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", t0), 1, retain: true);
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(1, t0, powerW: 55, dim: 100));

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync($"/device/{Lamp}");
        Assert.Equal("55,0", await s.TextAsync("device-powerW"));
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true");
        var hub = cloud.Get<LiveHub>();
        await Wait.UntilAsync(() => hub.Subscribers > 0, "the page subscribed to /api/live");

        // no reload: the reading arrives over Server-Sent Events; 1987.25 W shows as "1.987,3" in pt-BR, "1,987.3" in English
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(2, t0.AddMinutes(1), energyWh: 1001, powerW: 1987.25, dim: 35));
        await Expect(s.ById("device-powerW")).ToHaveTextAsync("1.987,3");
        await Expect(s.ById("device-dimPercent")).ToHaveTextAsync("35");
        await Expect(s.ById("device-chart")).ToHaveAttributeAsync("data-points", "2");
        await s.ScreenshotAsync("device-live-ptbr");

        await s.ById("lang").ClickAsync();
        await Expect(s.ById("device-powerW")).ToHaveTextAsync("1,987.3");
        await Expect(s.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(s.ById("override-send")).ToHaveTextAsync("Send");
        await s.ScreenshotAsync("device-live-en");
        await s.ById("lang").ClickAsync();
        await Expect(s.ById("override-send")).ToHaveTextAsync("Enviar");
        s.AssertNoErrors();
    }

    [Fact]
    public async Task A_live_fault_event_is_listed_once_and_the_alert_it_opens_updates_the_count_without_a_reload()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync(Lamp);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", t0), 1, retain: true);
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(1, t0));

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync($"/device/{Lamp}");
        Assert.Equal("0", await s.TextAsync("device-openAlerts"));
        var hub = cloud.Get<LiveHub>();
        await Wait.UntilAsync(() => hub.Subscribers > 0, "the page subscribed to /api/live");

        // the event arrives over SSE, and the alert it opens arrives as a second update of another kind
        await dev.PublishAsync(Payload.Topic(Lamp, "event"), Payload.Event(1, t0.AddMinutes(1), "lampFailure", true, "power 0.4 W with lamp on"));
        await Expect(s.ById("device-openAlerts")).ToHaveTextAsync("1");
        var items = s.ById("device-events").Locator("li");
        await Expect(items).ToHaveCountAsync(1);
        await Expect(items.First).ToContainTextAsync("lampFailure");
        await Expect(items.First.Locator("strong")).ToHaveTextAsync("Falha da lâmpada");
        await Expect(items.First).ToContainTextAsync("power 0.4 W with lamp on");

        await dev.PublishAsync(Payload.Topic(Lamp, "event"), Payload.Event(2, t0.AddMinutes(2), "lampFailure", false, "cleared"));
        await Expect(s.ById("device-openAlerts")).ToHaveTextAsync("0");
        await Expect(items).ToHaveCountAsync(2);
        Assert.DoesNotContain("?", await s.ById("device-events").InnerTextAsync(), StringComparison.Ordinal);
        s.AssertNoErrors();
    }
}
