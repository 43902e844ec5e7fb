using CidadesInteligentes.Cloud.Domain.Registry;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class RegistryLoaderTests
{
    [Fact]
    public void Demo_registry_parses_and_expands_to_12_cities_of_200_luminaires_and_5_wifi_points()
    {
        var result = RegistryLoader.Parse(File.ReadAllText(TestCities.RepoFile("cloud/registry/demo-registry.json")));
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        Assert.True(result.Document.ExampleValues);
        var expanded = result.Document.Expand();
        Assert.Equal(12, expanded.Cities.Count);
        Assert.All(expanded.Cities, c =>
        {
            Assert.Equal(200, c.Luminaires.Count);
            Assert.Equal(5, c.WifiPoints.Count);
            Assert.Null(c.Fleet);
        });
        var sc = expanded.FindCity("3548906")!;
        Assert.Equal("sc-lum-000001", sc.Luminaires[0].Id);
        Assert.Equal("sc-lum-000200", sc.Luminaires[199].Id);
        Assert.Equal("sc-wifi-05", sc.WifiPoints[4].Id);
        Assert.Equal("sc-c01", sc.Luminaires[0].Circuit);
        Assert.Equal("sc-c01", sc.Luminaires[8].Circuit); // 8 circuits, round-robin
    }

    [Fact]
    public void Serialize_round_trips_with_camel_case_names()
    {
        var doc = new RegistryDocument { Cities = [TestCities.SaoCarlos()] };
        var json = RegistryLoader.Serialize(doc);
        Assert.Contains("\"tariffBrlPerKwh\": 0.8", json, StringComparison.Ordinal);
        Assert.Contains("\"aneelHoursPerDay\": 11.45", json, StringComparison.Ordinal);
        var back = RegistryLoader.Parse(json);
        Assert.True(back.Ok, string.Join("\n", back.Problems));
        Assert.Equal(2, back.Document.Cities[0].Luminaires.Count);
        Assert.Equal(170, back.Document.Cities[0].Luminaires[1].BaselineW);
    }

    [Fact]
    public void Lists_every_problem_with_its_path()
    {
        var city = TestCities.SaoCarlos();
        city.Ibge = "9999999";
        city.Billing = "guessed";
        city.TariffBrlPerKwh = 0;
        city.Luminaires[1].Id = "sc-lum-000001"; // duplicate
        city.Luminaires[0].BaselineW = 0;
        city.Adjustments = [new BaselineAdjustment { Device = "sc-lum-999999", BaselineW = 250, EffectiveFrom = new DateOnly(2026, 6, 1) }];
        var other = TestCities.SaoCarlos(); // same code and prefix as the first after the fix below
        other.Luminaires = [];
        var json = RegistryLoader.Serialize(new RegistryDocument { Cities = [city, other] });

        var result = RegistryLoader.Parse(json);

        Assert.False(result.Ok);
        Assert.Null(result.Document);
        var paths = result.Problems.Select(p => p.Path).ToList();
        Assert.Contains("$.cities[0].ibge", paths);
        Assert.Contains("$.cities[0].billing", paths);
        Assert.Contains("$.cities[0].tariffBrlPerKwh", paths);
        Assert.Contains("$.cities[0].luminaires[1].id", paths);
        Assert.Contains("$.cities[0].luminaires[0].baselineW", paths);
        Assert.Contains("$.cities[0].adjustments[0].device", paths);
        Assert.Contains("$.cities[0].adjustments[0].reason", paths);
        Assert.Contains("$.cities[0].adjustments[0].approvedBy", paths);
        Assert.Contains("$.cities[1].devicePrefix", paths);
        Assert.Contains(result.Problems, p => p.Message.Contains("not the IBGE code", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_city_code_is_a_problem()
    {
        var a = TestCities.SaoCarlos();
        var b = TestCities.SaoCarlos();
        b.DevicePrefix = "sc2";
        b.Luminaires = [];
        var result = RegistryLoader.Parse(RegistryLoader.Serialize(new RegistryDocument { Cities = [a, b] }));
        Assert.Contains(result.Problems, p => p.Path == "$.cities[1].ibge" && p.Message.Contains("twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Broken_json_and_wrong_types_are_reported_with_a_path()
    {
        var broken = RegistryLoader.Parse("{\"cities\": [ {\"ibge\": \"3548906\", ");
        Assert.False(broken.Ok);
        Assert.Single(broken.Problems);

        var wrongType = RegistryLoader.Parse("{\"version\":1,\"cities\":[{\"ibge\":\"3548906\",\"tariffBrlPerKwh\":\"cheap\"}]}");
        Assert.False(wrongType.Ok);
        Assert.Contains("tariffBrlPerKwh", wrongType.Problems[0].Path, StringComparison.Ordinal);

        var empty = RegistryLoader.Parse("{\"version\":1,\"cities\":[]}");
        Assert.Equal("$.cities", Assert.Single(empty.Problems).Path);
    }
}
