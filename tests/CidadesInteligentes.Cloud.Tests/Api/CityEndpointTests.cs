using System.Globalization;
using System.Net;
using System.Text.Json;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>A month of telemetry through the broker; the API's numbers equal the domain engines' on the same data.</summary>
public sealed class CityEndpointTests
{
    internal const string Registry = """
        {"version":1,"exampleValues":true,"cities":[{"ibge":"3548906","name":"São Carlos","latitude":-22.0087,"longitude":-47.8909,
         "tariffBrlPerKwh":0.75,"billing":"estimated","aneelHoursPerDay":11.45,"annualRevenueBrl":120000000,"annualCipRevenueBrl":3000000,
         "financingBrl":1000000,"emissionFactorTPerMwh":0.0385,"requiredWifiPoints":5,
         "wifiThresholds":{"minAvailability":0.95,"minMedianDownMbps":10,"maxP95LatencyMs":150,"requirePortal":true,"minUsedDays":0.5},
         "devicePrefix":"sc","fleet":{"luminaires":2,"wifiPoints":5,"legacyTechnology":"HPS 150 W","baselineW":170,"ledW":80,"circuits":1},
         "luminaires":[],"wifiPoints":[],"adjustments":[]}]}
        """;

    [Fact]
    public async Task Savings_wifi_and_state_equal_the_domain_engines_for_a_published_month()
    {
        var dir = Directory.CreateTempSubdirectory("ci-reg-").FullName;
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, Registry);
        await using var cloud = await CloudApp.StartAsync(null, "--Registry:File", file, "--Ingest:MaxAgeDays", "400");
        var month = "2026-10";
        var (readings, wifiInputs) = await PublishOctoberAsync(cloud);

        var city = RegistryLoader.Parse(Registry).Document!.Expand().Cities[0];
        var expectedSavings = SavingsCalculator.Compute(city, month, city.Luminaires, readings, city.Adjustments);
        var expectedWifi = WifiCompliance.Compute(city, month, wifiInputs, TimeSpan.FromMinutes(15));

        var savings = await cloud.GetJsonAsync($"/api/cities/3548906/savings?month={month}");
        Assert.Equal(expectedSavings.MeasuredKwh, savings.GetProperty("measuredKwh").GetDouble(), 6);
        Assert.Equal(expectedSavings.BaselineKwh, savings.GetProperty("baselineKwh").GetDouble(), 6);
        Assert.Equal(expectedSavings.SavingsBrl, savings.GetProperty("savingsBrl").GetDouble(), 6);
        Assert.Equal(expectedSavings.AneelBaselineKwh, savings.GetProperty("aneelBaselineKwh").GetDouble(), 6);
        Assert.Equal(expectedSavings.Completeness, savings.GetProperty("completeness").GetDouble(), 6);
        Assert.Equal(31, savings.GetProperty("daily").GetArrayLength());
        Assert.True(expectedSavings.MeasuredKwh > 0);

        var wifi = await cloud.GetJsonAsync($"/api/cities/3548906/wifi?month={month}");
        Assert.Equal(expectedWifi.Digest, wifi.GetProperty("digest").GetString());
        Assert.Equal(expectedWifi.CompliantPoints, wifi.GetProperty("compliantPoints").GetInt32());
        Assert.Equal(4, wifi.GetProperty("compliantPoints").GetInt32());
        Assert.False(wifi.GetProperty("compliant").GetBoolean());
        var p5 = wifi.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("device").GetString() == "sc-wifi-05");
        Assert.False(p5.GetProperty("compliant").GetBoolean());
        Assert.Equal(expectedWifi.Points.Single(p => p.Device == "sc-wifi-05").Availability, p5.GetProperty("availability").GetDouble(), 9);

        var state = await cloud.GetJsonAsync($"/api/state?month={month}");
        Assert.Equal(expectedSavings.SavingsKwh, state.GetProperty("totals").GetProperty("savingsKwh").GetDouble(), 6);
        Assert.Equal(0, state.GetProperty("totals").GetProperty("compliantCities").GetInt32());
        var row = state.GetProperty("cities")[0];
        Assert.Equal(4, row.GetProperty("wifiCompliantPoints").GetInt32());
        Assert.Equal(7, row.GetProperty("devicesTotal").GetInt32());
        // how many of the city's luminaires reported in the month, so a city without readings is not read as a zero
        Assert.Equal(expectedSavings.ReportingLuminaires, row.GetProperty("reportingLuminaires").GetInt32());
        Assert.Equal(2, row.GetProperty("reportingLuminaires").GetInt32());
        Assert.Equal(2, row.GetProperty("inventoryLuminaires").GetInt32());

        var cities = await cloud.GetJsonAsync("/api/cities");
        Assert.Equal("São Carlos", cities[0].GetProperty("name").GetString());
        Assert.True(cities[0].GetProperty("exampleValues").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.GetAsync("/api/cities/3550308/savings?month=2026-10")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.GetAsync("/api/cities/3548906/savings?month=October")).StatusCode);
        Directory.Delete(dir, true);
    }

    /// <summary>October 2026 for the test registry: 2 luminaires every 2 h, 5 Wi-Fi points every 15 min (point 5 fails).</summary>
    internal static async Task<(Dictionary<string, IReadOnlyList<EnergyReading>> Readings, List<WifiPointInput> Wifi)> PublishOctoberAsync(CloudApp cloud)
    {
        var start = new DateTimeOffset(2026, 10, 1, 3, 0, 0, TimeSpan.Zero); // local midnight (UTC−3)
        var readings = new Dictionary<string, IReadOnlyList<EnergyReading>>();
        var publishes = new List<Task>();
        foreach (var id in new[] { "sc-lum-000001", "sc-lum-000002" })
        {
            var dev = await cloud.DeviceAsync(id);
            var list = new List<EnergyReading>();
            double energy = 5000;
            long burn = 0;
            for (var h = 0; h <= 31 * 24; h += 2)
            {
                var ts = start.AddHours(h);
                var local = ts.ToOffset(TimeSpan.FromHours(-3)).Hour;
                var on = local >= 18 || local < 6;
                if (on && h > 0)
                {
                    energy += 2 * 80 * (id.EndsWith('1') ? 1.0 : 0.7);
                    burn += 7200;
                }
                var seq = list.Count + 1;
                list.Add(new EnergyReading(seq, ts, energy, burn));
                var payload = $$"""{"v":1,"seq":{{seq}},"ts":"{{Payload.Ts(ts)}}","energyWh":{{energy.ToString(CultureInfo.InvariantCulture)}},"burnSeconds":{{burn}},"powerW":{{(on ? 80 : 0)}},"dimPercent":100,"lampOn":{{(on ? "true" : "false")}},"uptimeS":{{h * 3600}}}""";
                publishes.Add(dev.PublishAsync(Payload.Topic(id, "telemetry"), payload));
            }
            readings[id] = list;
        }
        var wifiInputs = new List<WifiPointInput>();
        for (var p = 1; p <= 5; p++)
        {
            var id = $"sc-wifi-0{p}";
            var dev = await cloud.DeviceAsync(id);
            var samples = new List<WifiSample>();
            for (var i = 0; i < 31 * 24 * 4; i++)
            {
                var ts = start.AddMinutes(15 * i);
                var up = !(p == 5 && i % 10 < 2); // point 5 is down 20 % of the time: not compliant
                var sample = new WifiSample(i + 1, ts, up, up, 20 + (i % 7), 0, i % 4 == 0 ? 25 + p : null, i % 4 == 0 ? 8 : null, 3 + (i % 5), 10);
                samples.Add(sample);
                var json = $$"""{"v":1,"seq":{{i + 1}},"ts":"{{Payload.Ts(ts)}}","uptimeS":{{i * 900}},"backhaulUp":{{(up ? "true" : "false")}},"latencyMs":{{sample.LatencyMs!.Value.ToString(CultureInfo.InvariantCulture)}},"lossPercent":0,{{(sample.DownMbps is { } d ? $"\"downMbps\":{d},\"upMbps\":8," : "")}}"portalOk":{{(up ? "true" : "false")}},"clients":{{sample.Clients}},"uniqueClientsToday":10,"rxBytes":{{i * 1000}},"txBytes":{{i * 500}}}""";
                publishes.Add(dev.PublishAsync(Payload.Topic(id, "telemetry", "hotspot"), json));
            }
            wifiInputs.Add(new WifiPointInput(id, samples));
        }
        await Task.WhenAll(publishes);
        return (readings, wifiInputs);
    }

    [Fact]
    public async Task Registry_replacement_needs_admin_lists_every_problem_and_is_audited()
    {
        var dir = Directory.CreateTempSubdirectory("ci-keys-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["admin adm-key-1234567890123456 carla", "operator op-key-123456789012345 ana"]);
        await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys);
        HttpRequestMessage Put(string key, string body)
        {
            var r = new HttpRequestMessage(HttpMethod.Put, "/api/registry") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            r.Headers.Authorization = new("Bearer", key);
            return r;
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await cloud.Http.SendAsync(Put("op-key-123456789012345", Registry))).StatusCode);
        var bad = Registry.Replace("\"3548906\"", "\"9999999\"", StringComparison.Ordinal).Replace("\"tariffBrlPerKwh\":0.75", "\"tariffBrlPerKwh\":-1", StringComparison.Ordinal);
        var refused = await cloud.Http.SendAsync(Put("adm-key-1234567890123456", bad));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problems = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("problems");
        Assert.True(problems.GetArrayLength() >= 2, "both the unknown IBGE code and the negative tariff are listed");
        var ok = await cloud.Http.SendAsync(Put("adm-key-1234567890123456", Registry));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("São Carlos", (await cloud.GetJsonAsync("/api/cities"))[0].GetProperty("name").GetString());
        Assert.Equal(7, (await cloud.GetJsonAsync("/api/devices?city=3548906")).GetArrayLength());
        var audit = await cloud.GetJsonAsync("/api/audit");
        Assert.Equal("carla", audit[0].GetProperty("who").GetString());
        Assert.Equal("registry.replace", audit[0].GetProperty("action").GetString());
        Directory.Delete(dir, true);
    }
}
