using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Hosting;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>A registry document that names the same field twice is refused with its path, through the API and at start.</summary>
public sealed class RegistryDuplicateKeyTests : IDisposable
{
    private const string Admin = "adm-key-1234567890123456";
    private readonly string _dir = Directory.CreateTempSubdirectory("ci-reg-dup-").FullName;

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

    // the tariff given twice in the one city: which one would count?
    private static readonly string Duplicated =
        CityEndpointTests.Registry.Replace("\"tariffBrlPerKwh\":0.75", "\"tariffBrlPerKwh\":0.75,\"tariffBrlPerKwh\":0.9", StringComparison.Ordinal);

    [Fact]
    public async Task A_put_naming_a_field_twice_is_a_400_with_its_path_and_changes_nothing()
    {
        var keys = Path.Combine(_dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"admin {Admin} carla"]);
        await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys);
        var before = await cloud.Http.GetStringAsync("/api/registry");

        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/registry") { Content = new StringContent(Duplicated, System.Text.Encoding.UTF8, "application/json") };
        put.Headers.Authorization = new("Bearer", Admin);
        using var response = await cloud.Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = Assert.Single(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("problems").EnumerateArray()).GetString()!;
        Assert.StartsWith("$.cities[0].tariffBrlPerKwh: ", problem, StringComparison.Ordinal);
        Assert.Contains("tariffBrlPerKwh", problem[problem.IndexOf(':', StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Equal(before, await cloud.Http.GetStringAsync("/api/registry"));
    }

    [Fact]
    public void A_registry_file_naming_a_field_twice_is_a_listed_problem_at_start()
    {
        var file = Path.Combine(_dir, "registry.json");
        File.WriteAllText(file, Duplicated);
        var app = CloudHost.Build(["--Broker:Port", "0", "--Storage:Directory", Path.Combine(_dir, "data"), "--Registry:File", file], out var problems);
        Assert.Null(app);
        Assert.Contains(problems, p => p.StartsWith($"Registry:File {file}: $.cities[0].tariffBrlPerKwh: ", StringComparison.Ordinal));
    }
}
