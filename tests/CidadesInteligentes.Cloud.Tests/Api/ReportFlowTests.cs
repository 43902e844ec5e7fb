using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Hosting;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>Monthly reports made by the host from stored data: API, formats, digest stability and the CLI exit code.</summary>
public sealed class ReportFlowTests
{
    [Fact]
    public async Task Reports_are_generated_stored_listed_and_equal_the_engines_and_the_cli_exits_non_zero_for_a_failing_city()
    {
        var dir = Directory.CreateTempSubdirectory("ci-rep-").FullName;
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry);
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["operator op-key-123456789012345 ana"]);
        var data = Path.Combine(dir, "data");
        await using var cloud = await CloudApp.StartAsync(data, "--Registry:File", registry, "--Ingest:MaxAgeDays", "400", "--Api:KeysFile", keys);
        await CityEndpointTests.PublishOctoberAsync(cloud);

        async Task<JsonElement> GenerateAsync()
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/api/reports?month=2026-10");
            post.Headers.Authorization = new("Bearer", "op-key-123456789012345");
            var created = await cloud.Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await cloud.Http.PostAsync("/api/reports?month=2026-10", null)).StatusCode);
        var first = await GenerateAsync();
        Assert.Equal(2, first.GetArrayLength()); // São Carlos + the state
        var cityEntry = first.EnumerateArray().Single(e => e.GetProperty("scope").GetString() == "city");
        Assert.False(cityEntry.GetProperty("compliant").GetBoolean());
        var id = cityEntry.GetProperty("id").GetString();
        Assert.Contains("pdf", cityEntry.GetProperty("formats").EnumerateArray().Select(f => f.GetString()));

        var json = await cloud.GetJsonAsync($"/api/reports/{id}.json");
        var savings = await cloud.GetJsonAsync("/api/cities/3548906/savings?month=2026-10");
        var wifi = await cloud.GetJsonAsync("/api/cities/3548906/wifi?month=2026-10");
        var text = json.ToString();
        Assert.Contains(savings.GetProperty("measuredKwh").GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.Contains(wifi.GetProperty("digest").GetString()!, text, StringComparison.Ordinal);
        var html = await cloud.Http.GetStringAsync($"/api/reports/{id}.html");
        Assert.Contains("São Carlos", html, StringComparison.Ordinal);
        var csv = await cloud.Http.GetStringAsync($"/api/reports/{id}.csv");
        Assert.Contains("sc-wifi-05", csv, StringComparison.Ordinal);
        var pdf = await cloud.Http.GetByteArrayAsync($"/api/reports/{id}.pdf");
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);

        // the same data gives the same digest
        var second = await GenerateAsync();
        Assert.Equal(cityEntry.GetProperty("digest").GetString(), second.EnumerateArray().Single(e => e.GetProperty("scope").GetString() == "city").GetProperty("digest").GetString());
        var list = await cloud.GetJsonAsync("/api/reports?month=2026-10");
        Assert.Equal(2, list.GetArrayLength());

        // the CLI: same numbers, files written, exit code 2 because São Carlos fails
        var outDir = Path.Combine(dir, "out");
        var code = await CloudHost.RunAsync(["report", "--month", "2026-10", "--out", outDir, "--Storage:Directory", data, "--Registry:File", registry]);
        Assert.Equal(2, code);
        Assert.True(File.Exists(Path.Combine(outDir, $"{id}.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "2026-10-state.csv")));
    }
}
