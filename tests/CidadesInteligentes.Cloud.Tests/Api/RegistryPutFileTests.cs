using System.Net;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// With <c>--Registry:File</c>, an accepted PUT is written to the file too (replaced whole, never truncated), so a
/// restart keeps the API's edit; a refused PUT leaves the file as it was.
/// </summary>
public sealed class RegistryPutFileTests : IDisposable
{
    private const string Admin = "adm-key-1234567890123456";
    private readonly string _dir = Directory.CreateTempSubdirectory("ci-reg-put-file-").FullName;
    private readonly string _data;
    private readonly string _file;
    private readonly string _keys;

    public RegistryPutFileTests()
    {
        _data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        _file = Path.Combine(_dir, "registry.json");
        File.WriteAllText(_file, CityEndpointTests.Registry); // fleet: sc-lum-000001/2
        _keys = Path.Combine(_dir, "keys.txt");
        File.WriteAllLines(_keys, [$"admin {Admin} carla"]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<HttpStatusCode> PutAsync(CloudApp cloud, string body)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/registry") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        put.Headers.Authorization = new("Bearer", Admin);
        using var response = await cloud.Http.SendAsync(put);
        return response.StatusCode;
    }

    private string[] Files() => [.. Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static int Luminaires(CloudApp cloud) => cloud.Get<RegistryService>().Expanded.Cities[0].Luminaires.Count;

    [Fact]
    public async Task A_luminaire_added_through_the_api_is_still_there_after_a_restart()
    {
        await using (var first = await CloudApp.StartAsync(_data, "--Api:KeysFile", _keys, "--Registry:File", _file))
        {
            Assert.Equal(HttpStatusCode.OK, await PutAsync(first, CityEndpointTests.Registry.Replace("\"luminaires\":2", "\"luminaires\":3", StringComparison.Ordinal)));
            Assert.Equal(3, Luminaires(first));
        }
        // the file holds the accepted registry, whole
        var onDisk = RegistryLoader.Parse(await File.ReadAllTextAsync(_file));
        Assert.True(onDisk.Ok, string.Join("; ", onDisk.Problems));
        Assert.Equal(3, onDisk.Document!.Cities[0].Fleet!.Luminaires);
        Assert.Equal(["keys.txt", "registry.json"], Files()); // no temporary file left behind

        await using var second = await CloudApp.StartAsync(_data, "--Api:KeysFile", _keys, "--Registry:File", _file);
        Assert.Equal(3, Luminaires(second));
        Assert.Contains((await second.GetJsonAsync("/api/devices?city=3548906")).EnumerateArray(), d => d.GetProperty("id").GetString() == "sc-lum-000003");
        Assert.Empty(second.Get<RegistryService>().FileProblems);
    }

    [Fact]
    public async Task A_refused_put_leaves_the_file_byte_for_byte()
    {
        await using var cloud = await CloudApp.StartAsync(_data, "--Api:KeysFile", _keys, "--Registry:File", _file);
        var before = await File.ReadAllBytesAsync(_file);

        Assert.Equal(HttpStatusCode.BadRequest, await PutAsync(cloud, CityEndpointTests.Registry.Replace("\"baselineW\":170", "\"baselineW\":200", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, await PutAsync(cloud, CityEndpointTests.Registry.Replace("\"tariffBrlPerKwh\":0.75", "\"tariffBrlPerKwh\":-1", StringComparison.Ordinal)));

        Assert.Equal(before, await File.ReadAllBytesAsync(_file));
        Assert.Equal(["keys.txt", "registry.json"], Files());
    }

    [Fact]
    public async Task A_put_whose_registry_file_cannot_be_written_is_a_503_and_changes_nothing()
    {
        var etc = Directory.CreateDirectory(Path.Combine(_dir, "etc")).FullName;
        var file = Path.Combine(etc, "registry.json");
        File.Copy(_file, file);
        await using var cloud = await CloudApp.StartAsync(_data, "--Api:KeysFile", _keys, "--Registry:File", file);
        var stored = cloud.Get<CidadesInteligentes.Cloud.Storage.SqliteStore>().LatestRegistry();
        Directory.Delete(etc, true); // the file's directory is gone (a root can write anywhere, so no chmod here)

        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/registry")
        {
            Content = new StringContent(CityEndpointTests.Registry.Replace("\"luminaires\":2", "\"luminaires\":3", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"),
        };
        put.Headers.Authorization = new("Bearer", Admin);
        using var response = await cloud.Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, Luminaires(cloud));
        Assert.Equal(stored, cloud.Get<CidadesInteligentes.Cloud.Storage.SqliteStore>().LatestRegistry());
        Assert.Equal(0, (await cloud.GetJsonAsync("/api/audit")).GetArrayLength());
    }
}
