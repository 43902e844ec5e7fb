using System.Net;
using CidadesInteligentes.Cloud.Tests.Api;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>Stored monthly reports are listed in the dashboard with their verdict, and every format link works.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ReportsListTests(DashboardBrowser browser)
{
    [Fact]
    public async Task Overview_and_city_page_list_the_months_reports_as_the_api_does()
    {
        var dir = Directory.CreateTempSubdirectory("ci-dash-rep-").FullName;
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry);
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["operator op-key-123456789012345 ana"]);
        await using var cloud = await CloudApp.StartAsync(null, "--Registry:File", registry, "--Ingest:MaxAgeDays", "400", "--Api:KeysFile", keys);
        await CityEndpointTests.PublishOctoberAsync(cloud);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/reports?month=2026-10");
        post.Headers.Authorization = new("Bearer", "op-key-123456789012345");
        Assert.Equal(HttpStatusCode.Created, (await cloud.Http.SendAsync(post)).StatusCode);
        var entries = await cloud.GetJsonAsync("/api/reports?month=2026-10");

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        await s.GoAsync("/?month=2026-10");
        await s.ById("reports").WaitForAsync();
        Assert.Equal(entries.GetArrayLength(), await s.Page.Locator("[data-testid=reports] li").CountAsync());
        foreach (var e in entries.EnumerateArray())
        {
            var id = e.GetProperty("id").GetString();
            Assert.Equal(e.GetProperty("digest").GetString(), await s.ById($"report-{id}").GetAttributeAsync("data-digest"));
            Assert.Equal(e.GetProperty("compliant").GetBoolean() ? "Conforme" : "Não conforme", await s.TextAsync($"report-{id}-verdict"));
            foreach (var f in e.GetProperty("formats").EnumerateArray())
            {
                var href = await s.ById($"report-{id}-{f.GetString()}").GetAttributeAsync("href");
                Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync(href)).StatusCode);
            }
        }
        await s.ScreenshotAsync("reports-overview");

        await s.GoAsync("/city/3548906?month=2026-10");
        await s.ById("report-2026-10-3548906").WaitForAsync();
        Assert.Equal(1, await s.Page.Locator("[data-testid=reports] li").CountAsync());
        Assert.Equal("Não conforme", await s.TextAsync("report-2026-10-3548906-verdict"));
        s.AssertNoErrors();
        Directory.Delete(dir, true);
    }
}
