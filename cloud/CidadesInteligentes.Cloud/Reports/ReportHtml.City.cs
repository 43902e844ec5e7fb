using System.Globalization;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Wifi;

namespace CidadesInteligentes.Cloud.Reports;

internal sealed partial class ReportHtml
{
    private const double BarWidth = 240;
    private const int MaxBarSpans = 480;

    // a flapping point can have thousands of outages: the printout lists the first ones, CSV and JSON all of them
    private const int MaxOutageRows = 50;

    public static string City(CityReport r, string culture)
    {
        var html = new ReportHtml(ReportText.For(culture), new HtmlFormat(culture, HtmlFormat.Zone(r.TimeZone)));
        return html.WriteCity(r);
    }

    private string WriteCity(CityReport r)
    {
        var title = $"{_t.CityTitle} — {r.Name} ({r.Ibge}) — {r.Month}";
        Open(title);
        _html.Append("<h1>").Append(HtmlFormat.Encode(title)).Append("</h1>\n<p class=\"meta\">")
            .Append(HtmlFormat.Encode($"{_t.Generated} {_f.Time(r.GeneratedAt)}")).Append("</p>\n");
        Verdict(r.Compliant, Format(_t.CompliantPoints, r.Wifi.CompliantPoints, r.Wifi.RequiredPoints));
        ExampleNote(r.ExampleValues);
        WifiSection(r.Wifi);
        SavingsSection(r.Savings);
        Digests(r.Digest, r.WifiInputDigest);
        return Close();
    }

    private void WifiSection(CityWifiReport w)
    {
        _html.Append("<h2>").Append(HtmlFormat.Encode(_t.Wifi)).Append("</h2>\n<table>\n");
        Row(_t.WifiCompleteness, HtmlFormat.Encode(_f.Percent(w.Completeness)), numeric: true);
        _html.Append("</table>\n<p class=\"legend\">");
        foreach (var (state, label) in new[] { ("up", _t.Up), ("down", _t.Down), ("noData", _t.NoData) })
        {
            _html.Append("<span><i class=\"sw\" style=\"background:").Append(Color(state)).Append("\"></i>")
                .Append(HtmlFormat.Encode(label)).Append("</span>");
        }
        _html.Append("</p>\n<table id=\"points\" class=\"dense\">\n");
        Header(_t.Point, _t.Availability, _t.MedianDown, _t.MedianUp, _t.P95, _t.Loss, _t.Use, _t.Outages, _t.Verdict);
        foreach (var p in w.Points)
        {
            PointRow(p);
        }
        _html.Append("</table>\n");
        Outages(w);
    }

    private void PointRow(WifiPointReport p)
    {
        _html.Append("<tr><td>").Append(HtmlFormat.Encode(p.Name)).Append("<br><small>").Append(HtmlFormat.Encode(p.Device))
            .Append("</small></td><td>").Append(HtmlFormat.Encode(Failed(p, WifiFailures.Availability)
                ? _f.Missed(p.Availability * 100, 1, minimum: true) + " %" : _f.Percent(p.Availability))).Append("<br><small>")
            .Append(HtmlFormat.Encode($"{_t.Up} {_f.Integer(p.UpMinutes)} · {_t.Down} {_f.Integer(p.DownMinutes)} · {_t.NoData} {_f.Integer(p.NoDataMinutes)} min"))
            .Append("</small>");
        Bar(p);
        _html.Append("</td>");
        Cell(p.MedianDownMbps is { } down && Failed(p, WifiFailures.MedianDownMbps)
            ? _f.Missed(down, 1, minimum: true) + " Mbps" : _f.Unit(p.MedianDownMbps, 1, "Mbps"), numeric: true);
        Cell(_f.Unit(p.MedianUpMbps, 1, "Mbps"), numeric: true);
        Cell(p.P95LatencyMs is { } p95 && Failed(p, WifiFailures.P95LatencyMs)
            ? _f.Missed(p95, 0, minimum: false) + " ms" : _f.Unit(p.P95LatencyMs, 0, "ms"), numeric: true);
        Cell(p.MeanLossPercent is { } loss ? _f.Number(loss, 2) + " %" : HtmlFormat.Dash, numeric: true);
        Cell($"{_f.Integer(p.DaysUsed)} / {_f.Integer(p.DaysInPeriod)}", numeric: true);
        Cell(_f.Integer(p.Outages.Count), numeric: true);
        _html.Append("<td><b>").Append(p.Compliant ? _t.Compliant : _t.NotCompliant).Append("</b>");
        if (p.Failed.Count > 0)
        {
            _html.Append("<br><small>").Append(HtmlFormat.Encode($"{_t.Failed}: {string.Join(", ", p.Failed.Select(_t.Threshold))}")).Append("</small>");
        }
        _html.Append("</td>");
        _html.Append("</tr>\n");
    }

    private static bool Failed(WifiPointReport p, string threshold) => p.Failed.Contains(threshold, StringComparer.Ordinal);

    /// <summary>The point's month as one bar: green up, red down, grey no data.</summary>
    private void Bar(WifiPointReport p)
    {
        _html.Append("<svg width=\"100%\" height=\"10\" preserveAspectRatio=\"none\" viewBox=\"0 0 ").Append(Px(BarWidth))
            .Append(" 10\" role=\"img\" aria-label=\"").Append(HtmlFormat.Encode(_t.Availability)).Append("\">");
        if (p.Timeline.Count > MaxBarSpans)
        {
            Columns(p);
        }
        else if (p.Timeline.Count > 0)
        {
            var start = p.Timeline[0].Start.UtcTicks;
            var total = (double)(p.Timeline[^1].End.UtcTicks - start);
            foreach (var s in p.Timeline)
            {
                var x = (s.Start.UtcTicks - start) / total * BarWidth;
                var width = Math.Max((s.End.UtcTicks - s.Start.UtcTicks) / total * BarWidth, 0.25);
                Rect(x, width, s.State);
            }
        }
        else
        {
            _html.Append("<rect x=\"0\" y=\"0\" width=\"").Append(Px(BarWidth)).Append("\" height=\"10\" fill=\"")
                .Append(Color("noData")).Append("\"/>");
        }
        _html.Append("</svg>");
    }

    /// <summary>
    /// A flapping point has tens of thousands of spans: draw <see cref="MaxBarSpans"/> columns instead, each showing the
    /// worst state inside it (down, then no data, then up) so no outage disappears from the bar.
    /// </summary>
    private void Columns(WifiPointReport p)
    {
        var start = p.Timeline[0].Start.UtcTicks;
        var total = (double)(p.Timeline[^1].End.UtcTicks - start);
        var worst = new int[MaxBarSpans];
        foreach (var s in p.Timeline)
        {
            var rank = s.State switch { "up" => 1, "noData" => 2, _ => 3 };
            var first = (int)Math.Min((s.Start.UtcTicks - start) / total * MaxBarSpans, MaxBarSpans - 1);
            var last = (int)Math.Min(Math.Ceiling((s.End.UtcTicks - start) / total * MaxBarSpans) - 1, MaxBarSpans - 1);
            for (var c = first; c <= Math.Max(first, last); c++)
            {
                worst[c] = Math.Max(worst[c], rank);
            }
        }
        var w = BarWidth / MaxBarSpans;
        for (var c = 0; c < MaxBarSpans; c++)
        {
            Rect(c * w, w, worst[c] switch { 1 => "up", 3 => "down", _ => "noData" });
        }
    }

    private void Rect(double x, double width, string state) =>
        _html.Append("<rect x=\"").Append(Px(x)).Append("\" y=\"0\" width=\"").Append(Px(width))
            .Append("\" height=\"10\" fill=\"").Append(Color(state)).Append("\"/>");

    private static string Color(string state) => state switch
    {
        "up" => "#2e9e4f",
        "noData" => "#9e9e9e",
        _ => "#d93025",
    };

    private static string Px(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private void Outages(CityWifiReport w)
    {
        _html.Append("<h2>").Append(HtmlFormat.Encode(_t.Outages)).Append("</h2>\n");
        if (w.Points.All(p => p.Outages.Count == 0))
        {
            _html.Append("<p>").Append(HtmlFormat.Encode(_t.NoOutages)).Append("</p>\n");
            return;
        }
        _html.Append("<table id=\"outages\">\n");
        Header(_t.Point, _t.Start, _t.End, "min", _t.Cause);
        foreach (var p in w.Points)
        {
            foreach (var o in p.Outages.Take(MaxOutageRows))
            {
                _html.Append("<tr>");
                Cell(p.Name);
                Cell(_f.Time(o.Start));
                Cell(_f.Time(o.End));
                Cell(_f.Integer((long)(o.End - o.Start).TotalMinutes), numeric: true);
                Cell(o.Cause switch { "offline" => _t.NoData, _ => o.Cause });
                _html.Append("</tr>\n");
            }
            if (p.Outages.Count > MaxOutageRows)
            {
                _html.Append("<tr class=\"more\"><td colspan=\"5\">")
                    .Append(HtmlFormat.Encode(Format(_t.MoreOutages, p.Name, _f.Integer(p.Outages.Count - MaxOutageRows))))
                    .Append("</td></tr>\n");
            }
        }
        _html.Append("</table>\n");
    }

    private void SavingsSection(CitySavings s)
    {
        _html.Append("<h2>").Append(HtmlFormat.Encode(_t.Savings)).Append("</h2>\n<table id=\"savings\">\n");
        Header(_t.Figure, _t.Value);
        Figure(_t.Measured, _f.Kwh(s.MeasuredKwh));
        Figure(_t.Baseline, _f.Kwh(s.BaselineKwh));
        Figure(_t.SavingsKwh, _f.Kwh(s.SavingsKwh));
        Figure(_t.SavingsBrl, _f.Brl(s.SavingsBrl));
        Figure(_t.BurningHours, _f.Unit(s.BurningHours, 1, "h"));
        Figure(_t.AneelBaseline, _f.Kwh(s.AneelBaselineKwh));
        Figure(_t.AneelLed, _f.Kwh(s.AneelLedKwh));
        Figure(_t.SpendBefore, _f.Brl(s.SpendBeforeBrl));
        Figure(_t.SpendAfter, _f.Brl(s.SpendAfterBrl));
        Figure(_t.BillSavings, _f.Brl(s.BillSavingsBrl));
        Figure(_t.SpendToRevenueBefore, _f.Percent(s.SpendToRevenueBefore, 4));
        Figure(_t.SpendToRevenueAfter, _f.Percent(s.SpendToRevenueAfter, 4));
        Figure(_t.PercentOfRevenue, _f.Number(s.SavingsPercentOfRevenue, 4) + " %");
        Figure(_t.CostToCip, _f.Percent(s.CostToCip, 4));
        Figure(_t.Payback, _f.Unit(s.PaybackMonths, 1, _t.Months));
        Figure(_t.Co2, _f.Unit(s.Co2AvoidedT, 4, "t"));
        Figure(_t.Completeness, _f.Percent(s.Completeness));
        Figure(_t.Luminaires, $"{_f.Integer(s.ReportingLuminaires)} / {_f.Integer(s.InventoryLuminaires)}");
        _html.Append("</table>\n<h2>").Append(HtmlFormat.Encode(_t.Adjustments)).Append("</h2>\n");
        if (s.Adjustments.Count == 0)
        {
            _html.Append("<p>").Append(HtmlFormat.Encode(_t.NoAdjustments)).Append("</p>\n");
            return;
        }
        _html.Append("<table id=\"adjustments\">\n");
        Header(_t.Device, _t.At, _t.Kind, _t.Detail);
        foreach (var a in s.Adjustments)
        {
            _html.Append("<tr>");
            Cell(a.Device);
            Cell(_f.Time(a.At));
            Cell(a.Kind);
            Cell(a.Detail);
            _html.Append("</tr>\n");
        }
        _html.Append("</table>\n");
    }

    private void Figure(string label, string value) => Row(label, HtmlFormat.Encode(value), numeric: true);
}
