using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Reports;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Reports;

public sealed class ReportHtmlTests
{
    private static CityReport Report(int silentPoints = 1, string name = "São Carlos", string? pointName = null, bool example = true)
    {
        var city = ReportInputs.City(name: name, pointName: pointName);
        city.ExampleValues = example;
        return ReportInputs.Builder().BuildCity(ReportInputs.Month, city, ReportInputs.Savings(city), ReportInputs.Wifi(city, silentPoints));
    }

    [Fact]
    public void Shows_the_domain_figures_formatted_pt_BR()
    {
        var r = Report();
        var html = ReportRenderer.RenderHtml(r);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"pt-BR\">", html, StringComparison.Ordinal);
        Assert.Contains("NÃO CONFORME", html, StringComparison.Ordinal);
        Assert.Contains("pontos de Wi-Fi conformes (mínimo 5): 4", html, StringComparison.Ordinal);
        // savings worked example: 28.8 kWh measured, 61.2 kWh Option B, R$ 25.92 saved; ANEEL bill 93.432 → 43.968, saved 49.464
        Assert.Contains("28,80 kWh", html, StringComparison.Ordinal);
        Assert.Contains("61,20 kWh", html, StringComparison.Ordinal);
        Assert.Contains("R$ 25,92", html, StringComparison.Ordinal);
        Assert.Contains("R$ 93,43", html, StringComparison.Ordinal);
        Assert.Contains("R$ 49,46", html, StringComparison.Ordinal);
        // payback 1,000,000 / 49.464 = 20,216.72 months; CO2 32.4 / 1000 × 0.0385 = 0.0012 t; energy completeness 30/60 days
        Assert.Contains("20.216,7 meses", html, StringComparison.Ordinal);
        Assert.Contains("0,0012 t", html, StringComparison.Ordinal);
        Assert.Contains("50,0 %", html, StringComparison.Ordinal);
        // Wi-Fi: point 1 up 43,100 of 43,200 min = 99.77 %; 20 Mbps / 5 Mbps medians; p95 40 ms; completeness 4/5 points
        Assert.Contains("99,8 %", html, StringComparison.Ordinal);
        Assert.Contains("43.100", html, StringComparison.Ordinal);
        Assert.Contains("20,0 Mbps", html, StringComparison.Ordinal);
        Assert.Contains("5,0 Mbps", html, StringComparison.Ordinal);
        Assert.Contains("40 ms", html, StringComparison.Ordinal);
        Assert.Contains("80,0 %", html, StringComparison.Ordinal);
        // outage 03:00Z–04:40Z is 00:00–01:40 local
        Assert.Contains("01/06/2026 00:00", html, StringComparison.Ordinal);
        Assert.Contains("01/06/2026 01:40", html, StringComparison.Ordinal);
        Assert.Contains(r.Digest, html, StringComparison.Ordinal);
        Assert.Contains(r.WifiInputDigest, html, StringComparison.Ordinal);
        Assert.Contains("id=\"example-values\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Is_self_contained_and_printable()
    {
        var html = ReportRenderer.RenderHtml(Report());
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains("size: A4", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        // one availability bar per point: green up, red down, grey no data
        Assert.Equal(5, CountOf(html, "<svg "));
        Assert.Contains("fill=\"#d93025\"", html, StringComparison.Ordinal);
        Assert.Contains("fill=\"#9e9e9e\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void English_uses_en_number_format()
    {
        var html = ReportRenderer.RenderHtml(Report(), "en");
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("NOT COMPLIANT", html, StringComparison.Ordinal);
        Assert.Contains("R$ 25.92", html, StringComparison.Ordinal);
        Assert.Contains("20,216.7 months", html, StringComparison.Ordinal);
        Assert.Contains("2026-06-01 01:40", html, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportRenderer.RenderHtml(Report(), "fr"));
    }

    [Fact]
    public void Compliant_city_without_example_values_has_a_green_banner_and_no_note()
    {
        var html = ReportRenderer.RenderHtml(Report(silentPoints: 0, example: false));
        Assert.Contains("class=\"verdict ok\"", html, StringComparison.Ordinal);
        Assert.Contains(">CONFORME<", html, StringComparison.Ordinal);
        Assert.DoesNotContain("NÃO CONFORME", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"example-values\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_encodes_malicious_city_and_point_names()
    {
        const string city = "<script>alert('x')</script>";
        const string point = "\"><img src=x onerror=alert(1)>&amp;";
        var r = Report(name: city, pointName: point);
        foreach (var html in new[] { ReportRenderer.RenderHtml(r), ReportRenderer.RenderHtml(r, "en") })
        {
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
            Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;", html, StringComparison.Ordinal);
        }
        var state = ReportInputs.Builder().Build(ReportInputs.Month, [(ReportInputs.City(name: city), r.Savings, r.Wifi)]).State;
        var stateHtml = ReportRenderer.RenderHtml(state);
        Assert.DoesNotContain("<script", stateHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", stateHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flapping_point_keeps_a_small_bar_that_still_shows_its_outages()
    {
        // backhaul down every other minute: 43,200 timeline spans → drawn as 480 columns, every one with a down minute
        var city = ReportInputs.City();
        var samples = Enumerable.Range(0, ReportInputs.Minutes)
            .Select(k => new WifiSample(k + 1, ReportInputs.June1.AddMinutes(k), k % 2 == 0, true, 40, 0, 20, 5, 1, 3)).ToList();
        var wifi = WifiCompliance.Compute(city, ReportInputs.Month, [new WifiPointInput("sc-wifi-01", samples)]);
        Assert.Equal(ReportInputs.Minutes, wifi.Points[0].Timeline.Count);
        var report = ReportInputs.Builder().BuildCity(ReportInputs.Month, city, ReportInputs.Savings(city), wifi);

        var html = ReportRenderer.RenderHtml(report);

        Assert.Equal(480 + 4, CountOf(html, "<rect "));
        Assert.Equal(480, CountOf(html, "fill=\"#d93025\""));
        // point 1 has 21,600 outages: the printout lists 50 and says how many more; the CSV keeps every one
        Assert.Contains("Praça 1: mais 21.550 interrupções", html, StringComparison.Ordinal);
        Assert.True(html.Length < 200_000, $"{html.Length} characters");
        // (+ the 4 silent points, one month-long offline outage each)
        Assert.Equal(21_604, Csv.Sections(ReportRenderer.RenderCsv(report))["outages"].Count);
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }
}
