using CidadesInteligentes.Cloud.Api;
using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// The city page redraws on every live update (at most every 3 s) and asks for the map again; in a real browser an
/// unchanged map must come back as a 304 (the browser revalidates with the ETag) and still be drawn.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class RevalidationTests(DashboardBrowser browser)
{
    [Fact]
    public async Task A_redraw_of_the_city_page_revalidates_an_unchanged_map_and_still_draws_it()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-revalidate-").FullName;
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, Api.CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(null, "--Registry:File", file);
        const string Lum = "sc-lum-000001";
        var dev = await cloud.DeviceAsync(Lum);
        var now = DateTimeOffset.UtcNow;
        await dev.PublishAsync(Payload.Topic(Lum, "status"), Payload.Status("online", now.AddMinutes(-5)), 1, retain: true);
        await dev.PublishAsync(Payload.Topic(Lum, "telemetry"), Payload.Luminaire(1, now.AddMinutes(-4)));

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync($"/city/{Payload.City}?month={ApiEndpoints.Month(now)}");
        await Expect(s.ById($"dot-{Lum}")).ToHaveCountAsync(1);
        var counters = cloud.Get<ApiCounters>();
        var before = counters.NotModified;

        // more telemetry from the same online luminaire: a live update, a redraw, the same map
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers > 0, "the page subscribed to /api/live");
        await dev.PublishAsync(Payload.Topic(Lum, "telemetry"), Payload.Luminaire(2, DateTimeOffset.UtcNow.AddSeconds(-1)));
        await Wait.UntilAsync(() => counters.NotModified > before, "the browser to revalidate an answer it already had");
        Assert.True((await cloud.GetJsonAsync("/api/ingest/stats")).GetProperty("apiNotModified").GetInt64() > before);

        await Expect(s.ById($"dot-{Lum}")).ToHaveCountAsync(1);
        await Expect(s.ById("device-map")).ToBeVisibleAsync();
        s.AssertNoErrors();
        Directory.Delete(dir, recursive: true);
    }
}
