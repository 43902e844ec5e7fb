namespace CidadesInteligentes.Cloud.Reports;

internal sealed partial class ReportHtml
{
    public static string State(StateReport r, string culture)
    {
        var html = new ReportHtml(ReportText.For(culture), new HtmlFormat(culture, HtmlFormat.Zone("America/Sao_Paulo")));
        return html.WriteState(r);
    }

    private string WriteState(StateReport r)
    {
        var title = $"{_t.StateTitle} — {r.Month}";
        Open(title);
        _html.Append("<h1>").Append(HtmlFormat.Encode(title)).Append("</h1>\n<p class=\"meta\">")
            .Append(HtmlFormat.Encode($"{_t.Generated} {_f.Time(r.GeneratedAt)}")).Append("</p>\n");
        var failing = r.FailingCities.Count == 0 ? _t.None : string.Join(", ", r.FailingCities.Select(c => $"{c.Name} ({c.Ibge})"));
        Verdict(r.Compliant, $"{_t.CompliantCities}: {_f.Integer(r.CompliantCities)} / {_f.Integer(r.Cities.Count)} · {_t.FailingCities}: {failing}");
        ExampleNote(r.ExampleValues);
        var s = r.Savings;
        _html.Append("<h2>").Append(HtmlFormat.Encode(_t.Savings)).Append("</h2>\n<table id=\"savings\">\n");
        Header(_t.Figure, _t.Value);
        Figure(_t.Measured, _f.Kwh(s.MeasuredKwh));
        Figure(_t.Baseline, _f.Kwh(s.BaselineKwh));
        Figure(_t.SavingsKwh, _f.Kwh(s.SavingsKwh));
        Figure(_t.SavingsBrl, _f.Brl(s.SavingsBrl));
        Figure(_t.AneelBaseline, _f.Kwh(s.AneelBaselineKwh));
        Figure(_t.AneelLed, _f.Kwh(s.AneelLedKwh));
        Figure(_t.SpendBefore, _f.Brl(s.SpendBeforeBrl));
        Figure(_t.SpendAfter, _f.Brl(s.SpendAfterBrl));
        Figure(_t.BillSavings, _f.Brl(s.BillSavingsBrl));
        Figure(_t.Co2, _f.Unit(s.Co2AvoidedT, 4, "t"));
        Figure(_t.Completeness, _f.Percent(s.Completeness));
        Figure(_t.Luminaires, $"{_f.Integer(s.ReportingLuminaires)} / {_f.Integer(s.InventoryLuminaires)}");
        _html.Append("</table>\n<h2>").Append(HtmlFormat.Encode(_t.Cities)).Append("</h2>\n<table id=\"cities\" class=\"dense\">\n");
        Header(_t.City, _t.Verdict, _t.WifiCompleteness, _t.SavingsBrl, _t.BillSavings, _t.PercentOfRevenue, _t.CostToCip,
            _t.Payback, _t.Completeness);
        foreach (var c in r.Cities)
        {
            _html.Append("<tr>");
            Cell($"{c.Name} ({c.Ibge})");
            Cell($"{(c.Compliant ? _t.Compliant : _t.NotCompliant)} ({c.CompliantPoints}/{c.RequiredPoints})");
            Cell(_f.Percent(c.WifiCompleteness), numeric: true);
            Cell(_f.Brl(c.SavingsBrl), numeric: true);
            Cell(_f.Brl(c.BillSavingsBrl), numeric: true);
            Cell(_f.Number(c.SavingsPercentOfRevenue, 4) + " %", numeric: true);
            Cell(_f.Percent(c.CostToCip, 4), numeric: true);
            Cell(_f.Unit(c.PaybackMonths, 1, _t.Months), numeric: true);
            Cell(_f.Percent(c.EnergyCompleteness), numeric: true);
            _html.Append("</tr>\n");
        }
        _html.Append("</table>\n");
        Digests(r.Digest, null);
        return Close();
    }
}
