using System.Text.Json;
using CidadesInteligentes.Cloud.Reports;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Reports;

public sealed class ReportDigestTests
{
    [Fact]
    public void Same_data_generated_at_different_times_has_the_same_digest()
    {
        var inputs = new[] { ReportInputs.Input(ReportInputs.City()), ReportInputs.Input(ReportInputs.City("3505302", "Barra Bonita", "bb"), 1) };
        var first = ReportInputs.Builder(new DateTimeOffset(2026, 7, 1, 6, 0, 0, TimeSpan.Zero)).Build(ReportInputs.Month, inputs);
        var again = ReportInputs.Builder(new DateTimeOffset(2026, 8, 15, 9, 30, 0, TimeSpan.Zero)).Build(ReportInputs.Month, inputs);

        Assert.NotEqual(first.State.GeneratedAt, again.State.GeneratedAt);
        Assert.Equal(first.Cities.Select(c => c.Digest), again.Cities.Select(c => c.Digest));
        Assert.Equal(first.State.Digest, again.State.Digest);
        Assert.Matches("^[0-9a-f]{64}$", first.State.Digest);
        Assert.NotEqual(first.Cities[0].Digest, first.Cities[1].Digest);
        // the published JSON differs only in generatedAt
        Assert.Equal(WithoutGeneratedAt(ReportRenderer.RenderJson(first.Cities[0])), WithoutGeneratedAt(ReportRenderer.RenderJson(again.Cities[0])));
        // an auditor recomputes it from the report
        Assert.Equal(first.Cities[0].Digest, ReportDigest.Compute(again.Cities[0]));
        Assert.Equal(first.State.Digest, ReportDigest.Compute(again.State));
    }

    [Fact]
    public void Regenerating_from_freshly_computed_domain_results_gives_the_same_digest()
    {
        var a = ReportInputs.Builder().BuildCity(ReportInputs.Month, ReportInputs.City(), ReportInputs.Savings(ReportInputs.City()), ReportInputs.Wifi(ReportInputs.City()));
        var b = ReportInputs.Builder().BuildCity(ReportInputs.Month, ReportInputs.City(), ReportInputs.Savings(ReportInputs.City()), ReportInputs.Wifi(ReportInputs.City()));
        Assert.Equal(a.Digest, b.Digest);
    }

    [Fact]
    public void Changed_telemetry_or_changed_registry_figures_change_the_digest()
    {
        var city = ReportInputs.City();
        var savings = ReportInputs.Savings(city);
        var builder = ReportInputs.Builder();
        var baseReport = builder.BuildCity(ReportInputs.Month, city, savings, ReportInputs.Wifi(city));

        // one Wi-Fi sample's latency changed (41 ms instead of 40 in the last minute): same verdict, new input digest
        var tweakedWifi = ReportInputs.Wifi(city, latencyOfLastMinuteMs: 41);
        var tweaked = builder.BuildCity(ReportInputs.Month, city, savings, tweakedWifi);
        Assert.Equal(baseReport.Compliant, tweaked.Compliant);
        Assert.NotEqual(baseReport.WifiInputDigest, tweaked.WifiInputDigest);
        Assert.NotEqual(baseReport.Digest, tweaked.Digest);

        // same telemetry, another tariff: the Wi-Fi digest stays, the report digest moves
        var dearer = ReportInputs.City();
        dearer.TariffBrlPerKwh = 0.81;
        var repriced = builder.BuildCity(ReportInputs.Month, dearer, ReportInputs.Savings(dearer), ReportInputs.Wifi(dearer));
        Assert.Equal(baseReport.WifiInputDigest, repriced.WifiInputDigest);
        Assert.NotEqual(baseReport.Digest, repriced.Digest);

        // the state digest follows its cities
        var s1 = builder.Build(ReportInputs.Month, [(city, savings, ReportInputs.Wifi(city))]);
        var s2 = builder.Build(ReportInputs.Month, [(city, savings, tweakedWifi)]);
        Assert.NotEqual(s1.State.Digest, s2.State.Digest);
    }

    [Fact]
    public void Digest_is_the_sha256_of_the_canonical_content_which_omits_generation_time()
    {
        var report = ReportInputs.Builder().BuildCity(ReportInputs.Month, ReportInputs.City(), ReportInputs.Savings(ReportInputs.City()), ReportInputs.Wifi(ReportInputs.City()));
        var content = ReportDigest.CanonicalContent(report);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), report.Digest);
        using var doc = JsonDocument.Parse(content);
        Assert.False(doc.RootElement.TryGetProperty("generatedAt", out _));
        Assert.False(doc.RootElement.TryGetProperty("digest", out _));
        Assert.Equal(report.WifiInputDigest, doc.RootElement.GetProperty("wifi").GetProperty("digest").GetString());
    }

    private static string WithoutGeneratedAt(string json)
    {
        var lines = json.Split('\n').Where(l => !l.Contains("\"generatedAt\"", StringComparison.Ordinal));
        return string.Join('\n', lines);
    }
}
