using System.Text.Json.Nodes;
using CidadesInteligentes.Cloud.Domain.Registry;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class RegistryTypeAndRangeTests
{
    /// <summary>A valid one-city registry as a JSON tree, for a test to break one field at a time.</summary>
    private static JsonNode Valid() => JsonNode.Parse(RegistryLoader.Serialize(new RegistryDocument { Cities = [TestCities.SaoCarlos()] }))!;

    private static RegistryParseResult Parse(JsonNode doc) => RegistryLoader.Parse(doc.ToJsonString());

    [Fact]
    public void The_valid_starting_document_has_no_problem()
    {
        var result = Parse(Valid());
        Assert.True(result.Ok, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Two_wrong_typed_fields_and_a_range_error_are_all_listed_with_their_paths()
    {
        var doc = Valid();
        doc["cities"]![0]!["tariffBrlPerKwh"] = "cheap";               // text where a number belongs
        doc["cities"]![0]!["luminaires"]![1]!["ledW"] = JsonValue.Create(true); // a boolean where a number belongs
        doc["cities"]![0]!["latitude"] = 10;                             // a number, but north of the equator

        var result = Parse(doc);

        Assert.False(result.Ok);
        Assert.Equal(3, result.Problems.Count);
        var byPath = result.Problems.ToDictionary(p => p.Path, p => p.Message);
        Assert.Equal("must be a number, not text (\"cheap\")", byPath["$.cities[0].tariffBrlPerKwh"]);
        Assert.Equal("must be a number, not true", byPath["$.cities[0].luminaires[1].ledW"]);
        Assert.Contains("latitude must be inside São Paulo state", byPath["$.cities[0].latitude"], StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_shapes_nulls_fractions_and_dates_are_type_problems_and_later_entries_keep_their_index()
    {
        var doc = Valid();
        doc["cities"]![0]!["requiredWifiPoints"] = 4.5;
        doc["cities"]![0]!["wifiThresholds"] = "strict";
        doc["cities"]![0]!["aneelHoursPerDay"] = null;
        doc["cities"]![0]!["luminaires"]![0] = 42;
        doc["cities"]![0]!["luminaires"]![1]!["baselineW"] = 0; // range problem on the entry after the broken one
        doc["cities"]![0]!["adjustments"] = new JsonArray(new JsonObject
        {
            ["device"] = "sc-lum-000002", ["effectiveFrom"] = "1 June 2026", ["baselineW"] = 250, ["reason"] = "r", ["approvedBy"] = "a",
        });

        var problems = Parse(doc).Problems.ToDictionary(p => p.Path, p => p.Message);

        Assert.Equal("must be a whole number, not 4.5", problems["$.cities[0].requiredWifiPoints"]);
        Assert.Equal("must be an object ({ … }), not text (\"strict\")", problems["$.cities[0].wifiThresholds"]);
        Assert.Equal("must not be null", problems["$.cities[0].aneelHoursPerDay"]);
        Assert.Equal("must be an object ({ … }), not 42", problems["$.cities[0].luminaires[0]"]);
        Assert.StartsWith("the legacy baseline power must be between 1 and 5000 W", problems["$.cities[0].luminaires[1].baselineW"], StringComparison.Ordinal);
        Assert.Equal("must be a date (\"YYYY-MM-DD\"), not text (\"1 June 2026\")", problems["$.cities[0].adjustments[0].effectiveFrom"]);
        Assert.Equal(6, problems.Count); // nothing repeated for the fields left out
    }

    [Theory]
    [InlineData("latitude", -26.0, "latitude must be inside São Paulo state")]
    [InlineData("latitude", -19.0, "latitude must be inside São Paulo state")]
    [InlineData("longitude", -54.0, "longitude must be inside São Paulo state")]
    [InlineData("longitude", -43.5, "longitude must be inside São Paulo state")]
    [InlineData("emissionFactorTPerMwh", -0.01, "the emission factor must be between 0 and 2")]
    [InlineData("emissionFactorTPerMwh", 2.5, "the emission factor must be between 0 and 2")]
    public void City_values_outside_their_range_are_refused(string field, double value, string message)
    {
        var doc = Valid();
        doc["cities"]![0]![field] = value;
        var problem = Assert.Single(Parse(doc).Problems);
        Assert.Equal("$.cities[0]." + field, problem.Path);
        Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("latitude", -25.5)]
    [InlineData("latitude", -19.5)]
    [InlineData("longitude", -53.5)]
    [InlineData("longitude", -44.0)]
    [InlineData("emissionFactorTPerMwh", 0.0)]
    [InlineData("emissionFactorTPerMwh", 2.0)]
    public void City_values_on_the_edge_of_their_range_are_accepted(string field, double value)
    {
        var doc = Valid();
        doc["cities"]![0]![field] = value;
        Assert.Empty(Parse(doc).Problems);
    }

    [Theory]
    [InlineData("minAvailability", 1.2, "minimum availability is a fraction between 0 and 1")]
    [InlineData("minAvailability", -0.1, "minimum availability is a fraction between 0 and 1")]
    [InlineData("minMedianDownMbps", -1.0, "minimum median download must be between 0 and 10000 Mbps")]
    [InlineData("minMedianDownMbps", 10001.0, "minimum median download must be between 0 and 10000 Mbps")]
    [InlineData("maxP95LatencyMs", 0.5, "maximum p95 latency must be between 1 and 60000 ms")]
    [InlineData("maxP95LatencyMs", 60001.0, "maximum p95 latency must be between 1 and 60000 ms")]
    [InlineData("minUsedDays", 1.5, "minimum used days is a fraction between 0 and 1")]
    [InlineData("minUsedDays", -0.5, "minimum used days is a fraction between 0 and 1")]
    public void Wifi_thresholds_outside_their_range_are_refused(string field, double value, string message)
    {
        var doc = Valid();
        doc["cities"]![0]!["wifiThresholds"]![field] = value;
        var problem = Assert.Single(Parse(doc).Problems);
        Assert.Equal("$.cities[0].wifiThresholds." + field, problem.Path);
        Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
    }
}
