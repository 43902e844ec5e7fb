using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// The production setting (--Api:AnonymousRead false) left the dashboard empty: the page sent no key on its reads and
/// its live stream (EventSource) cannot send one. Now a refused read asks for a key; the page sends it on every request
/// and as a read-only cookie for the live stream, and remembers it for the next visit.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInTests(DashboardBrowser browser)
{
    [Fact]
    public async Task With_anonymous_reads_off_the_page_asks_for_a_key_then_shows_the_data_and_goes_live()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-signin-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["viewer view-key-dashboard-0123456789 bia"]);
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, Api.CityEndpointTests.Registry);
        try
        {
            await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys, "--Api:AnonymousRead", "false", "--Registry:File", registry);
            await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
            await s.GoAsync("/");
            await Expect(s.ById("signin")).ToBeVisibleAsync();
            Assert.Equal(0, await s.Page.Locator("[data-testid=signin-error]").CountAsync()); // no key tried yet

            await s.ById("signin-key").FillAsync("wrong-key-000000000000000");
            await s.ById("signin-send").ClickAsync();
            await Expect(s.ById("signin-error")).ToBeVisibleAsync();

            await s.ById("signin-key").FillAsync("view-key-dashboard-0123456789");
            await s.ById("signin-send").ClickAsync();
            await Expect(s.ById("city-3548906")).ToBeVisibleAsync(); // the overview's São Carlos row, read with the key
            await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true");

            // the live stream carries the key as its cookie: a reading published now reaches the open page
            var dev = await cloud.DeviceAsync("sc-lum-000020");
            await dev.PublishAsync(Payload.Topic("sc-lum-000020", "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow));
            await Expect(s.ById("live-count")).Not.ToHaveTextAsync("0");

            // the next visit needs no key again
            await s.Page.ReloadAsync();
            await Expect(s.ById("city-3548906")).ToBeVisibleAsync();
            Assert.Equal(0, await s.Page.Locator("[data-testid=signin]").CountAsync());
            // the refused reads before the key are logged by the browser as failed loads (401); nothing else
            lock (s.Errors)
            {
                Assert.All(s.Errors, e => Assert.Contains("status of 401", e, StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
