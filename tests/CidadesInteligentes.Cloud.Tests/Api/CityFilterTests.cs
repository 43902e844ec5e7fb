using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// <c>?city=</c> on a list is checked: a mistyped IBGE code is a 404 naming it, a code that is not 7 digits a 400 naming
/// the parameter, so "no such city" never looks like "a city with nothing to show". A city in the registry without
/// devices, and one the registry does not list but devices report from, still answer their (empty) lists.
/// </summary>
public sealed class CityFilterTests : IAsyncLifetime
{
    private const string Operator = "op-key-123456789012345";
    private const string Unknown = "3550309"; // one digit off São Paulo (3550308)
    private const string Empty = "3503208"; // Araraquara: in the registry, no devices

    // São Carlos (7 devices) and Araraquara (none)
    private static readonly string Registry = CityEndpointTests.Registry.Replace("]}]}", """
        ]},{"ibge":"3503208","name":"Araraquara","latitude":-21.7845,"longitude":-48.178,
         "tariffBrlPerKwh":0.75,"billing":"estimated","aneelHoursPerDay":11.45,"annualRevenueBrl":90000000,"annualCipRevenueBrl":2000000,
         "financingBrl":0,"emissionFactorTPerMwh":0.0385,"requiredWifiPoints":0,
         "wifiThresholds":{"minAvailability":0.95,"minMedianDownMbps":10,"maxP95LatencyMs":150,"requirePortal":true,"minUsedDays":0.5},
         "devicePrefix":"ar","luminaires":[],"wifiPoints":[],"adjustments":[]}]}
        """, StringComparison.Ordinal);

    private readonly string _dir = Directory.CreateTempSubdirectory("ci-city-filter-").FullName;
    private CloudApp _cloud = null!;

    public async Task InitializeAsync()
    {
        var keys = Path.Combine(_dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"operator {Operator} ana"]);
        var registry = Path.Combine(_dir, "registry.json");
        await File.WriteAllTextAsync(registry, Registry);
        _cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys, "--Registry:File", registry);
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> SendAsync(HttpMethod method, string path)
    {
        using var r = new HttpRequestMessage(method, path);
        r.Headers.Authorization = new("Bearer", Operator);
        // headers only: a live stream that was (wrongly) opened would never end
        using var response = await _cloud.Http.SendAsync(r, HttpCompletionOption.ResponseHeadersRead);
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    private static string Detail(string body) => JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;

    [Theory]
    [InlineData("GET", "/api/devices?city=")]
    [InlineData("GET", "/api/alerts?active=true&city=")]
    [InlineData("GET", "/api/reports?city=")]
    [InlineData("GET", "/api/live?city=")]
    [InlineData("POST", "/api/reports?month=2026-01&city=")]
    public async Task An_unknown_city_is_a_404_naming_the_code(string method, string path)
    {
        var (status, type, body) = await SendAsync(new HttpMethod(method), path + Unknown);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal($"city '{Unknown}' is not in the registry", Detail(body));
    }

    [Theory]
    [InlineData("GET", "/api/devices?city=", "355030")]
    [InlineData("GET", "/api/alerts?city=", "sao-carlos")]
    [InlineData("GET", "/api/reports?month=2026-01&city=", "35489060")]
    [InlineData("GET", "/api/live?city=", "3548906%20")]
    [InlineData("POST", "/api/reports?month=2026-01&city=", "abc")]
    [InlineData("GET", "/api/devices?city=", "")]
    public async Task A_code_that_is_not_7_digits_is_a_400_naming_the_parameter(string method, string path, string code)
    {
        var (status, type, body) = await SendAsync(new HttpMethod(method), path + code);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal($"parameter 'city' is '{Uri.UnescapeDataString(code)}', which is not a 7-digit IBGE code", Detail(body));
    }

    [Theory]
    [InlineData("/api/devices?city=")]
    [InlineData("/api/alerts?city=")]
    [InlineData("/api/reports?city=")]
    public async Task A_registry_city_without_devices_answers_an_empty_list(string path)
    {
        var (status, _, body) = await SendAsync(HttpMethod.Get, path + Empty);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[]", body);
    }

    [Fact]
    public async Task A_registry_city_without_devices_opens_its_live_stream()
    {
        var (status, type, _) = await SendAsync(HttpMethod.Get, "/api/live?city=" + Empty);
        Assert.Equal((HttpStatusCode.OK, "text/event-stream"), (status, type));
    }

    [Fact]
    public async Task A_city_outside_the_registry_that_devices_report_from_is_listed()
    {
        const string SaoPaulo = "3550308";
        var dev = await _cloud.DeviceAsync("sp-lum-000001");
        // QoS 1: acknowledged once stored and applied to the fleet view
        await dev.PublishAsync(Payload.Topic("sp-lum-000001", "telemetry", city: SaoPaulo), Payload.Luminaire(1, DateTimeOffset.UtcNow), 1);
        var devices = await _cloud.GetJsonAsync("/api/devices?city=" + SaoPaulo);
        Assert.Equal("sp-lum-000001", Assert.Single(devices.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/alerts?city=" + SaoPaulo)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/reports?city=" + SaoPaulo)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/live?city=" + SaoPaulo)).Status);
        // reports come from the registry's figures: a city outside it has none to generate
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "/api/reports?month=2026-01&city=" + SaoPaulo)).Status);
    }
}
