using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>São Carlos with 12 luminaires and 5 Wi-Fi points; one lamp alerting, one shut down, two online, the rest never seen.</summary>
public sealed class DevicePagingFixture : IAsyncLifetime
{
    public const string Alerting = "sc-lum-000009", Offline = "sc-lum-000003", OnlineOn = "sc-lum-000005", OnlineOff = "sc-lum-000002";

    internal static readonly string Registry = CityEndpointTests.Registry.Replace("\"fleet\":{\"luminaires\":2,", "\"fleet\":{\"luminaires\":12,", StringComparison.Ordinal);

    private readonly string _dir = Directory.CreateTempSubdirectory("ci-paging-").FullName;

    internal CloudApp Cloud { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var file = Path.Combine(_dir, "registry.json");
        await File.WriteAllTextAsync(file, Registry);
        Cloud = await CloudApp.StartAsync(null, "--Registry:File", file);
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, lampOn) in new[] { (Alerting, true), (OnlineOn, true), (OnlineOff, false) })
        {
            var dev = await Cloud.DeviceAsync(id);
            await dev.PublishAsync(Payload.Topic(id, "status"), Payload.Status("online", now.AddMinutes(-5)), 1, retain: true);
            await dev.PublishAsync(Payload.Topic(id, "telemetry"), Payload.Luminaire(1, now.AddMinutes(-4), lampOn: lampOn, powerW: lampOn ? 55 : 0));
            if (id == Alerting)
            {
                await dev.PublishAsync(Payload.Topic(id, "event"), Payload.Event(2, now.AddMinutes(-3), "lampFailure", active: true));
            }
        }
        var off = await Cloud.DeviceAsync(Offline);
        await off.PublishAsync(Payload.Topic(Offline, "status"), $$"""{"v":1,"state":"offline","ts":"{{Payload.Ts(now.AddMinutes(-2))}}","reason":"shutdown"}""", 1, retain: true);
        await Wait.UntilAsync(async () =>
        {
            var devices = (await Cloud.GetJsonAsync($"/api/devices?city={Payload.City}")).EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
            return devices[Alerting].GetProperty("openAlerts").GetInt32() == 1 && devices[Offline].GetProperty("lastSeen").ValueKind != JsonValueKind.Null
                && devices[OnlineOn].GetProperty("online").GetBoolean() && devices[OnlineOff].GetProperty("lampOn").ValueKind == JsonValueKind.False;
        }, "the cloud to know the four devices' states");
    }

    public async Task DisposeAsync()
    {
        await Cloud.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}

/// <summary>
/// <c>GET /api/devices</c> in pages (status filter, attention order, limit/offset with <c>X-Total-Count</c>), the
/// filter counts and the map's dots of one city; the list without the new parameters is the whole list by id as before.
/// </summary>
public sealed class DevicePagingTests(DevicePagingFixture fixture) : IClassFixture<DevicePagingFixture>
{
    private const string City = Payload.City;
    private static string Lum(int n) => $"sc-lum-{n:D6}";

    private static readonly string[] Wifi = [.. Enumerable.Range(1, 5).Select(n => $"sc-wifi-{n:D2}")];
    private static readonly string[] NeverSeen = [.. Enumerable.Range(1, 12).Select(Lum).Except([DevicePagingFixture.Alerting, DevicePagingFixture.Offline, DevicePagingFixture.OnlineOn, DevicePagingFixture.OnlineOff]), .. Wifi];

    // open alerts, offline after reporting, online, never seen; each group by id
    private static readonly string[] Attention = [DevicePagingFixture.Alerting, DevicePagingFixture.Offline, DevicePagingFixture.OnlineOff, DevicePagingFixture.OnlineOn, .. NeverSeen];

    private CloudApp Cloud => fixture.Cloud;

    private async Task<(string[] Ids, int Total)> PageAsync(string query)
    {
        using var r = await Cloud.Http.GetAsync($"/api/devices?city={City}&{query}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var ids = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToArray();
        return (ids, int.Parse(Assert.Single(r.Headers.GetValues("X-Total-Count")), System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task AssertPageAsync(string query, IEnumerable<string> ids, int total)
    {
        var page = await PageAsync(query);
        Assert.Equal(ids, page.Ids);
        Assert.Equal(total, page.Total);
    }

    [Fact]
    public async Task Without_the_new_parameters_the_whole_list_comes_by_id_with_its_count_in_a_header()
    {
        using var r = await Cloud.Http.GetAsync($"/api/devices?city={City}");
        var list = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Equal(Attention.Order(StringComparer.Ordinal), list.EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        // every device keeps its whole summary
        Assert.Equal(["backhaulUp", "city", "clients", "dimPercent", "energyWh", "id", "kind", "lampOn", "lastSeen", "latitude", "longitude", "name", "online", "openAlerts", "portalOk", "powerW", "uniqueClientsToday"],
            list[0].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("17", Assert.Single(r.Headers.GetValues("X-Total-Count")));
        // and without a city, every device of the state by id
        var all = await Cloud.GetJsonAsync("/api/devices");
        Assert.Equal(17, all.GetArrayLength());
    }

    [Fact]
    public async Task Status_filters_the_list_as_the_dashboard_filters_do()
    {
        await AssertPageAsync("status=alert", [DevicePagingFixture.Alerting], 1);
        // shut down after reporting: offline; never reported: never, not offline
        await AssertPageAsync("status=offline", [DevicePagingFixture.Offline], 1);
        await AssertPageAsync("status=never", NeverSeen, 13);
        await AssertPageAsync("status=online", [DevicePagingFixture.OnlineOff, DevicePagingFixture.OnlineOn, DevicePagingFixture.Alerting], 3);
        await AssertPageAsync("status=all", Attention.Order(StringComparer.Ordinal), 17);
    }

    [Fact]
    public async Task Attention_order_comes_in_pages_whose_total_is_the_matching_count()
    {
        await AssertPageAsync("sort=attention", Attention, 17);
        var pages = new List<string>();
        for (var offset = 0; offset < 17; offset += 5)
        {
            var (ids, total) = await PageAsync($"sort=attention&limit=5&offset={offset}");
            Assert.Equal(17, total);
            Assert.Equal(Math.Min(5, 17 - offset), ids.Length);
            pages.AddRange(ids);
        }
        Assert.Equal(Attention, pages);
        await AssertPageAsync("sort=attention&limit=5&offset=17", [], 17);
        await AssertPageAsync("status=never&sort=attention&limit=3&offset=2", NeverSeen[2..5], 13);
        // online with an open alert: first among the online ones
        await AssertPageAsync("status=online&sort=attention&limit=2", [DevicePagingFixture.Alerting, DevicePagingFixture.OnlineOff], 3);
        // by id, paged
        await AssertPageAsync("limit=1000&offset=15", Attention.Order(StringComparer.Ordinal).Skip(15), 17);
    }

    [Fact]
    public async Task Counts_give_each_filter_of_a_city_and_an_unknown_city_is_a_404()
    {
        var counts = await Cloud.GetJsonAsync($"/api/cities/{City}/devices/counts");
        Assert.Equal(17, counts.GetProperty("all").GetInt32());
        Assert.Equal(1, counts.GetProperty("alert").GetInt32());
        Assert.Equal(1, counts.GetProperty("offline").GetInt32());
        Assert.Equal(13, counts.GetProperty("never").GetInt32());
        Assert.Equal(3, counts.GetProperty("online").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await Cloud.Http.GetAsync("/api/cities/3550309/devices/counts")).StatusCode);
    }

    [Fact]
    public async Task The_map_has_one_compact_dot_per_device_and_a_capped_map_keeps_the_alerting_and_offline_ones()
    {
        var map = await Cloud.GetJsonAsync($"/api/cities/{City}/map");
        Assert.Equal(17, map.GetProperty("total").GetInt32());
        Assert.Equal(17, map.GetProperty("shown").GetInt32());
        var dots = map.GetProperty("dots").EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
        Assert.Equal(Attention.Order(StringComparer.Ordinal), dots.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("alert", dots[DevicePagingFixture.Alerting].GetProperty("state").GetString());
        Assert.Equal("offline", dots[DevicePagingFixture.Offline].GetProperty("state").GetString());
        Assert.Equal("on", dots[DevicePagingFixture.OnlineOn].GetProperty("state").GetString());
        Assert.Equal("off", dots[DevicePagingFixture.OnlineOff].GetProperty("state").GetString());
        Assert.Equal("offline", dots[Lum(1)].GetProperty("state").GetString()); // never seen: grey, as on the page
        Assert.Equal("hotspot", dots["sc-wifi-01"].GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.String, dots["sc-wifi-01"].GetProperty("name").ValueKind);
        // only what a dot needs (a luminaire has no name: none is sent)
        Assert.Equal(["id", "kind", "lat", "lon", "state"], dots[Lum(1)].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Number, dots[Lum(1)].GetProperty("lat").ValueKind);
        Assert.Equal(JsonValueKind.Number, dots[Lum(1)].GetProperty("lon").ValueKind);

        var capped = await Cloud.GetJsonAsync($"/api/cities/{City}/map?max=4");
        Assert.Equal(17, capped.GetProperty("total").GetInt32());
        Assert.Equal(4, capped.GetProperty("shown").GetInt32());
        var shown = capped.GetProperty("dots").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToList();
        Assert.Equal(4, shown.Count);
        // the alerting and offline ones always, drawn last (on top); the other two spread over the rest by id
        Assert.Equal([DevicePagingFixture.Offline, DevicePagingFixture.Alerting], shown[2..]);
        // (the 15 others by id: sc-lum-000001, …, sc-lum-000010 is the 8th; every 15/2-th from the first)
        Assert.Equal([Lum(1), Lum(10)], shown[..2]);
        Assert.Equal(HttpStatusCode.NotFound, (await Cloud.Http.GetAsync("/api/cities/3550309/map")).StatusCode);
    }

    [Theory]
    [InlineData("/api/devices?status=broken", "parameter 'status' is 'broken', which is not one of all, alert, offline, never, online")]
    [InlineData("/api/devices?city=3548906&sort=name", "parameter 'sort' is 'name', which is not one of id, attention")]
    [InlineData("/api/devices?limit=0", "parameter 'limit' is '0', which is not a whole number from 1 to 1000")]
    [InlineData("/api/devices?limit=1001", "parameter 'limit' is '1001', which is not a whole number from 1 to 1000")]
    [InlineData("/api/devices?limit=ten", "parameter 'limit' is 'ten', which is not a whole number from 1 to 1000")]
    [InlineData("/api/devices?offset=-1", "parameter 'offset' is '-1', which is not a whole number 0 or more")]
    [InlineData("/api/cities/3548906/map?max=0", "parameter 'max' is '0', which is not a whole number from 1 to 10000")]
    public async Task A_bad_parameter_is_a_400_naming_it_and_its_accepted_values_and_is_counted(string path, string detail)
    {
        long Refused(JsonElement stats) => stats.GetProperty("apiRefused").TryGetProperty("400", out var n) ? n.GetInt64() : 0;
        var before = Refused(await Cloud.GetJsonAsync("/api/ingest/stats"));
        using var r = await Cloud.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
        Assert.Equal([detail], problem.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(before + 1, Refused(await Cloud.GetJsonAsync("/api/ingest/stats")));
    }
}
