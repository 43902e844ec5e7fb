using CidadesInteligentes.Cloud.Engines;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// Any reader may ask for any month's savings and Wi-Fi figures; the engine's results cache must not keep every answer
/// a crawler walking the years asks for.
/// </summary>
public sealed class MonthlyCacheBoundTests
{
    [Fact]
    public async Task Walking_many_months_keeps_the_cache_within_its_bound_and_answers_stay_right()
    {
        var dir = ServerProcess.CreateTempDirectory("monthly-cache");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file);
        var engine = cloud.Get<MonthlyEngine>();
        engine.MaxCached = 10;

        var first = await cloud.GetJsonAsync("/api/cities/3548906/savings?month=2026-11");
        for (var year = 2001; year <= 2012; year++)
        {
            foreach (var kind in new[] { "savings", "wifi" })
            {
                await cloud.GetJsonAsync($"/api/cities/3548906/{kind}?month={year}-06");
                Assert.InRange(engine.CachedCount, 1, 10);
            }
        }
        // the first month's answer was dropped from the cache and is computed again, the same
        var again = await cloud.GetJsonAsync("/api/cities/3548906/savings?month=2026-11");
        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.InRange(engine.CachedCount, 1, 10);
        Directory.Delete(dir, recursive: true);
    }
}
