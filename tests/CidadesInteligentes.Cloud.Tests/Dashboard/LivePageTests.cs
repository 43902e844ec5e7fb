using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>The page's live connection when the stream fails the way it does behind a reverse proxy.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LivePageTests(DashboardBrowser browser)
{
    private const string Lamp = "sc-lum-000020";

    /// <summary>Answers the page's first <paramref name="failures"/> /api/live requests as a proxy does while the cloud restarts.</summary>
    private static async Task<Func<int>> ProxyErrorsAsync(DashboardSession s, int failures)
    {
        var seen = 0;
        await s.Page.RouteAsync("**/api/live*", async r =>
        {
            if (Interlocked.Increment(ref seen) <= failures)
            {
                await r.FulfillAsync(new RouteFulfillOptions { Status = 502, ContentType = "text/html", Body = "<html><body>502 Bad Gateway</body></html>" });
            }
            else
            {
                await r.ContinueAsync();
            }
        });
        return () => Volatile.Read(ref seen);
    }

    [Fact]
    public async Task The_page_connects_again_after_the_proxy_answered_502_while_the_cloud_restarted()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        var requests = await ProxyErrorsAsync(s, failures: 2);
        await s.GoAsync("/");
        await Wait.UntilAsync(() => requests() >= 1, "the page asked for /api/live");
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "false");

        // the browser's EventSource gives up for good on a 502: the page has to try again itself
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true", new() { Timeout = 20_000 });
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers == 1, "one stream open");
        Assert.Equal(3, requests());
        await Expect(s.ById("live-status")).ToContainTextAsync("Ao vivo");
        // the page loads /api/live failing twice; a 502 the browser reports is a failed resource, not a page error
        lock (s.Errors)
        {
            s.Errors.RemoveAll(e => e.Contains("502", StringComparison.Ordinal) || e.Contains("EventSource", StringComparison.Ordinal));
        }
        s.AssertNoErrors();
    }
}
