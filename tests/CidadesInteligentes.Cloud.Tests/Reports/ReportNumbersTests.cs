using System.Globalization;
using System.Text.Json;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Reports;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Reports;

public sealed class ReportNumbersTests
{
    private static (CityReport Report, CitySavings Savings, CityWifiReport Wifi) Build(int silentPoints = 1)
    {
        var city = ReportInputs.City();
        var savings = ReportInputs.Savings(city);
        var wifi = ReportInputs.Wifi(city, silentPoints);
        return (ReportInputs.Builder().BuildCity(ReportInputs.Month, city, savings, wifi), savings, wifi);
    }

    private static (string Name, double? Value)[] SavingsFigures(CitySavings s) =>
    [
        ("measuredKwh", s.MeasuredKwh), ("baselineKwh", s.BaselineKwh), ("savingsKwh", s.SavingsKwh), ("savingsBrl", s.SavingsBrl),
        ("burningHours", s.BurningHours), ("aneelBaselineKwh", s.AneelBaselineKwh), ("aneelLedKwh", s.AneelLedKwh),
        ("aneelSavingsKwh", s.AneelSavingsKwh), ("spendBeforeBrl", s.SpendBeforeBrl), ("spendAfterBrl", s.SpendAfterBrl),
        ("billSavingsBrl", s.BillSavingsBrl), ("spendToRevenueBefore", s.SpendToRevenueBefore),
        ("spendToRevenueAfter", s.SpendToRevenueAfter), ("savingsPercentOfRevenue", s.SavingsPercentOfRevenue),
        ("costToCip", s.CostToCip), ("paybackMonths", s.PaybackMonths), ("co2AvoidedT", s.Co2AvoidedT),
        ("completeness", s.Completeness),
    ];

    [Fact]
    public void Json_numbers_equal_the_domain_results_exactly()
    {
        var (report, savings, wifi) = Build();
        using var doc = JsonDocument.Parse(ReportRenderer.RenderJson(report));
        var root = doc.RootElement;
        Assert.Equal("city", root.GetProperty("scope").GetString());
        Assert.Equal("3548906", root.GetProperty("ibge").GetString());
        Assert.Equal("São Carlos", root.GetProperty("name").GetString());
        Assert.False(root.GetProperty("compliant").GetBoolean());
        Assert.True(root.GetProperty("exampleValues").GetBoolean());
        Assert.Equal(report.Digest, root.GetProperty("digest").GetString());
        Assert.Equal("2026-07-01T06:00:00Z", root.GetProperty("generatedAt").GetString());

        var s = root.GetProperty("savings");
        // worked example (domain.md): 28.8 kWh measured, Option B 170 W × 360 h = 61.2 kWh, savings 32.4 kWh × 0.80 = R$ 25.92
        Assert.Equal(28.8, s.GetProperty("measuredKwh").GetDouble(), 9);
        Assert.Equal(25.92, s.GetProperty("savingsBrl").GetDouble(), 9);
        foreach (var (name, value) in SavingsFigures(savings))
        {
            var e = s.GetProperty(name);
            Assert.Equal(value, e.ValueKind == JsonValueKind.Null ? null : e.GetDouble());
        }
        Assert.Equal(savings.ReportingLuminaires, s.GetProperty("reportingLuminaires").GetInt32());
        Assert.Equal(savings.Daily.Count, s.GetProperty("daily").GetArrayLength());
        Assert.Equal(savings.Daily[3].MeasuredKwh, s.GetProperty("daily")[3].GetProperty("measuredKwh").GetDouble());

        var w = root.GetProperty("wifi");
        Assert.Equal(wifi.Digest, w.GetProperty("digest").GetString());
        Assert.Equal(wifi.Completeness, w.GetProperty("completeness").GetDouble());
        Assert.Equal(4, w.GetProperty("compliantPoints").GetInt32());
        var points = w.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(wifi.Points.Count, points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var p = wifi.Points[i];
            var j = points[i];
            Assert.Equal(p.Device, j.GetProperty("device").GetString());
            Assert.Equal(p.Availability, j.GetProperty("availability").GetDouble());
            Assert.Equal(p.UpMinutes, j.GetProperty("upMinutes").GetInt32());
            Assert.Equal(p.DownMinutes, j.GetProperty("downMinutes").GetInt32());
            Assert.Equal(p.NoDataMinutes, j.GetProperty("noDataMinutes").GetInt32());
            Assert.Equal(p.MedianDownMbps, Nullable(j.GetProperty("medianDownMbps")));
            Assert.Equal(p.MedianUpMbps, Nullable(j.GetProperty("medianUpMbps")));
            Assert.Equal(p.P95LatencyMs, Nullable(j.GetProperty("p95LatencyMs")));
            Assert.Equal(p.DaysUsed, j.GetProperty("daysUsed").GetInt32());
            Assert.Equal(p.Compliant, j.GetProperty("compliant").GetBoolean());
            Assert.Equal(p.Failed, j.GetProperty("failed").EnumerateArray().Select(f => f.GetString()!).ToList());
            Assert.Equal(p.Outages.Count, j.GetProperty("outages").GetArrayLength());
        }
        // point 1: backhaul down minutes 0–99 → one outage 03:00Z–04:40Z
        var outage = points[0].GetProperty("outages")[0];
        Assert.Equal("2026-06-01T03:00:00Z", outage.GetProperty("start").GetString());
        Assert.Equal("2026-06-01T04:40:00Z", outage.GetProperty("end").GetString());
        Assert.Equal("backhaul", outage.GetProperty("cause").GetString());
        // point 5 sent nothing: no medians (null, not 0)
        Assert.Equal(JsonValueKind.Null, points[4].GetProperty("medianDownMbps").ValueKind);
    }

    private static double? Nullable(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

    private static double? Parse(string s) => s.Length == 0 ? null : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Fact]
    public void Csv_numbers_equal_the_domain_results_exactly()
    {
        var (report, savings, wifi) = Build();
        var csv = ReportRenderer.RenderCsv(report);
        Assert.Contains("\r\n", csv, StringComparison.Ordinal);
        var sections = Csv.Sections(csv);
        Assert.Equal(["report", "savings", "wifiPoints", "outages", "adjustments", "daily"], sections.Keys);

        var head = Assert.Single(sections["report"]);
        Assert.Equal("false", head["compliant"]);
        Assert.Equal(report.Digest, head["digest"]);
        Assert.Equal(wifi.Digest, head["wifiInputDigest"]);
        Assert.Equal(wifi.Completeness, Parse(head["wifiCompleteness"]));

        var figures = sections["savings"].ToDictionary(r => r["figure"], r => r["value"], StringComparer.Ordinal);
        foreach (var (name, value) in SavingsFigures(savings))
        {
            Assert.Equal(value, Parse(figures[name]));
        }
        Assert.Equal("1", figures["reportingLuminaires"]);
        Assert.Equal("2", figures["inventoryLuminaires"]);

        var rows = sections["wifiPoints"];
        Assert.Equal(wifi.Points.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var p = wifi.Points[i];
            Assert.Equal(p.Device, rows[i]["device"]);
            Assert.Equal(p.Name, rows[i]["name"]);
            Assert.Equal(p.Availability, Parse(rows[i]["availability"]));
            Assert.Equal(p.MedianDownMbps, Parse(rows[i]["medianDownMbps"]));
            Assert.Equal(p.MedianUpMbps, Parse(rows[i]["medianUpMbps"]));
            Assert.Equal(p.P95LatencyMs, Parse(rows[i]["p95LatencyMs"]));
            Assert.Equal(p.NoDataMinutes.ToString(CultureInfo.InvariantCulture), rows[i]["noDataMinutes"]);
            Assert.Equal(string.Join(' ', p.Failed), rows[i]["failed"]);
        }
        // point 1's 100 backhaul minutes, then silent point 5 offline for the whole month
        var outages = sections["outages"];
        Assert.Equal(2, outages.Count);
        Assert.Equal(("sc-wifi-01", "backhaul", "2026-06-01T04:40:00Z"), (outages[0]["device"], outages[0]["cause"], outages[0]["end"]));
        Assert.Equal(("sc-wifi-05", "offline", "2026-07-01T03:00:00Z"), (outages[1]["device"], outages[1]["cause"], outages[1]["end"]));
        Assert.Equal(30, sections["daily"].Count);
        Assert.Equal(savings.Daily[0].BaselineKwh, Parse(sections["daily"][0]["baselineKwh"]));
    }

    [Fact]
    public void Csv_quotes_commas_quotes_and_line_breaks_per_rfc_4180()
    {
        const string name = "Praça \"Central\", bloco A\r\nao lado da igreja";
        var city = ReportInputs.City(name: "Cidade, \"Teste\"", pointName: name);
        var report = ReportInputs.Builder().BuildCity(ReportInputs.Month, city, ReportInputs.Savings(city), ReportInputs.Wifi(city));
        var csv = ReportRenderer.RenderCsv(report);

        Assert.Contains("\"Praça \"\"Central\"\", bloco A\r\nao lado da igreja\"", csv, StringComparison.Ordinal);
        var sections = Csv.Sections(csv);
        Assert.Equal(name, sections["wifiPoints"][0]["name"]);
        Assert.Equal("Cidade, \"Teste\"", sections["report"][0]["name"]);
        // numbers are never quoted and use '.' whatever the thread culture
        Assert.Matches("^sc-wifi-02,Praça 2,1,", csv.Split("\r\n").Single(l => l.StartsWith("sc-wifi-02", StringComparison.Ordinal)));
    }

    [Fact]
    public void Invariant_output_does_not_depend_on_the_thread_culture()
    {
        var (report, _, _) = Build();
        var before = (ReportRenderer.RenderJson(report), ReportRenderer.RenderCsv(report));
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("pt-BR");
            Assert.Equal(before, (ReportRenderer.RenderJson(report), ReportRenderer.RenderCsv(report)));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
