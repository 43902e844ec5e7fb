using System.Text.RegularExpressions;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// The dashboard is a tree of ES modules: a browser refuses a module served with a type other than JavaScript, and one
/// missing from the build output breaks the whole page. Every module index.html reaches is checked here, without a browser.
/// </summary>
public sealed partial class ModuleServingTests
{
    [GeneratedRegex("""<script type="module" src="([^"]+)">""")]
    private static partial Regex ModuleScript();

    [GeneratedRegex("""^\s*import\s[^;]*?\sfrom\s+"([^"]+)";""", RegexOptions.Multiline)]
    private static partial Regex StaticImport();

    [Fact]
    public async Task Every_module_the_page_imports_is_served_as_javascript()
    {
        await using var cloud = await CloudApp.StartAsync();
        var root = new Uri(cloud.Http.BaseAddress!, "/");
        var index = await cloud.Http.GetStringAsync(root);
        var pending = new Queue<Uri>(ModuleScript().Matches(index).Select(m => new Uri(root, m.Groups[1].Value)));
        Assert.NotEmpty(pending);
        var seen = new HashSet<Uri>();
        while (pending.TryDequeue(out var url))
        {
            if (!seen.Add(url))
            {
                continue;
            }
            using var response = await cloud.Http.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url.AbsolutePath}: HTTP {(int)response.StatusCode}");
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            // revalidated on every load: after an upgrade a cached old module beside a new one breaks the page
            Assert.True(response.Headers.CacheControl?.NoCache, $"{url.AbsolutePath}: Cache-Control '{response.Headers.CacheControl}'");
            foreach (Match m in StaticImport().Matches(await response.Content.ReadAsStringAsync()))
            {
                pending.Enqueue(new Uri(url, m.Groups[1].Value));
            }
        }
        // app.js, the views and what they use: a module left out of the build would be missing here
        Assert.Contains(seen, u => u.AbsolutePath == "/views/device.js");
        Assert.Contains(seen, u => u.AbsolutePath == "/charts.js");
        Assert.True(seen.Count >= 10, $"only {seen.Count} modules reached: {string.Join(", ", seen.Select(u => u.AbsolutePath))}");
    }

    [Fact]
    public async Task The_page_is_revalidated_on_every_load_and_the_developers_readme_is_not_served()
    {
        await using var cloud = await CloudApp.StartAsync();
        using var page = await cloud.Http.GetAsync("/");
        Assert.True(page.Headers.CacheControl?.NoCache, $"/: Cache-Control '{page.Headers.CacheControl}'");
        Assert.NotNull(page.Headers.ETag ?? (object?)page.Content.Headers.LastModified);
        using var readme = await cloud.Http.GetAsync("/README.md");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, readme.StatusCode);
    }
}
