using System.Net.Http.Json;
using System.Text.Json;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>The cloud host copying stored telemetry to Debian's influxd 1.6.7.</summary>
public sealed class InfluxSinkTests
{
    [Fact]
    public async Task Stored_telemetry_reaches_influxdb_and_can_be_queried_with_influxql()
    {
        await using var influx = await InfluxServer.StartAsync();
        await using var cloud = await CloudApp.StartAsync(null, "--Influx:Url", influx.Url.ToString(), "--Influx:Database", "cidades_test");
        var dev = await cloud.DeviceAsync("sc-lum-000700");
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 1; i <= 20; i++)
        {
            await dev.PublishAsync(Payload.Topic("sc-lum-000700", "telemetry"), Payload.Luminaire(i, t0.AddMinutes(i), 100 + i, powerW: 40 + i));
        }
        // a duplicate is stored once in SQLite and therefore copied once
        await dev.PublishAsync(Payload.Topic("sc-lum-000700", "telemetry"), Payload.Luminaire(20, t0.AddMinutes(20), 120, powerW: 60));
        using var http = new HttpClient { BaseAddress = influx.Url };
        await Wait.UntilAsync(async () =>
        {
            var r = await http.GetFromJsonAsync<JsonElement>("/query?db=cidades_test&q=" + Uri.EscapeDataString("SELECT count(\"powerW\") FROM luminaire_telemetry WHERE device = 'sc-lum-000700'"));
            return r.GetProperty("results")[0].TryGetProperty("series", out var s) && s[0].GetProperty("values")[0][1].GetInt64() == 20;
        }, "20 points in InfluxDB", TimeSpan.FromSeconds(20));
        var max = await http.GetFromJsonAsync<JsonElement>("/query?db=cidades_test&q=" + Uri.EscapeDataString("SELECT max(\"powerW\") FROM luminaire_telemetry WHERE city = '3548906'"));
        Assert.Equal(60, max.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0][1].GetDouble());
        var stats = await cloud.GetJsonAsync("/api/ingest/stats");
        Assert.Equal(0, stats.GetProperty("influx").GetProperty("notCopied").GetInt64());
    }
}
