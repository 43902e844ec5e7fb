using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Reports;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Reports;

/// <summary>The printed figures of a point that missed a threshold by less than their last digit.</summary>
public sealed class ReportHtmlEdgeTests
{
    [Fact]
    public void A_figure_that_missed_its_threshold_is_never_printed_as_meeting_it()
    {
        var city = ReportInputs.City();
        city.WifiThresholds = new WifiThresholds();
        var samples = new List<WifiSample>(ReportInputs.Minutes);
        for (var k = 0; k < ReportInputs.Minutes; k++)
        {
            // 2,161 minutes with the backhaul down; a throughput test every 2 h of 9.96 Mbps; latency 150.4 ms in the
            // last 5 % of the minutes (+1), 40 ms otherwise
            var latency = k >= ReportInputs.Minutes - 2161 ? 150.4 : 40;
            samples.Add(new WifiSample(k + 1, ReportInputs.June1.AddMinutes(k), k >= 2161, true, latency, 0, k % 120 == 0 ? 9.96 : null, null, 1, 3));
        }
        var wifi = WifiCompliance.Compute(city, ReportInputs.Month, [new WifiPointInput(FleetSpec.WifiId("sc", 1), samples)]);
        var p = wifi.Points[0];
        // availability 41,039 / 43,200 = 94.9977 % < 95 %; median 9.96 < 10 Mbps; p95 (41,040th of 43,200) 150.4 > 150 ms
        Assert.Equal([WifiFailures.Availability, WifiFailures.MedianDownMbps, WifiFailures.P95LatencyMs], p.Failed);

        var html = ReportRenderer.RenderHtml(ReportInputs.Builder().BuildCity(ReportInputs.Month, city, ReportInputs.Savings(city), wifi));
        var row = html[html.IndexOf("<td>Praça 1", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];

        // rounded to the nearest they print "95,0 %", "10,0 Mbps" and "150 ms" next to "NÃO CONFORME": a reader checking
        // them against the thresholds (≥ 95 %, ≥ 10 Mbps, ≤ 150 ms) finds every one met
        Assert.Contains("94,9 %", row, StringComparison.Ordinal);
        Assert.Contains("9,9 Mbps", row, StringComparison.Ordinal);
        Assert.Contains("151 ms", row, StringComparison.Ordinal);
        Assert.DoesNotContain("95,0 %", row, StringComparison.Ordinal);

        // the thresholds it failed are named in the report's language, not by their API codes
        Assert.Contains("Falhou em: disponibilidade, mediana de download, latência p95", row, StringComparison.Ordinal);
        Assert.DoesNotContain("availability", row, StringComparison.Ordinal);
        var en = ReportRenderer.RenderHtml(ReportInputs.Builder().BuildCity(ReportInputs.Month, city, ReportInputs.Savings(city), wifi), "en");
        Assert.Contains("Failed: availability, median download, p95 latency", en, StringComparison.Ordinal);
    }
}
