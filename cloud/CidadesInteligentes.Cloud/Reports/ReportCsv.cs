using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Wifi;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// CSV form: named sections (<c>report</c>, <c>savings</c>, <c>wifiPoints</c>, <c>outages</c>, <c>adjustments</c>,
/// <c>daily</c>; for the state <c>report</c>, <c>savings</c>, <c>cities</c>), each a name line, a header line and rows,
/// separated by a blank line. Numbers and names are the JSON's.
/// </summary>
internal static class ReportCsv
{
    public static string City(CityReport r)
    {
        var csv = new CsvTable();
        csv.Section("report", "scope", "month", "ibge", "name", "generatedAt", "compliant", "compliantPoints", "requiredPoints",
            "wifiCompleteness", "exampleValues", "wifiInputDigest", "digest");
        csv.Field(r.Scope).Field(r.Month).Field(r.Ibge).Field(r.Name).Field(ReportJson.Time(r.GeneratedAt)).Field(r.Compliant)
            .Field(r.Wifi.CompliantPoints).Field(r.Wifi.RequiredPoints).Field(r.Wifi.Completeness).Field(r.ExampleValues)
            .Field(r.WifiInputDigest).Field(r.Digest).End();
        Figures(csv, ReportFigures.Savings(r.Savings), r.Savings.ReportingLuminaires, r.Savings.InventoryLuminaires);
        Points(csv, r.Wifi);
        csv.Section("outages", "device", "start", "end", "cause");
        foreach (var p in r.Wifi.Points)
        {
            foreach (var o in p.Outages)
            {
                csv.Row(p.Device, ReportJson.Time(o.Start), ReportJson.Time(o.End), o.Cause);
            }
        }
        csv.Section("adjustments", "device", "at", "kind", "detail");
        foreach (var a in r.Savings.Adjustments)
        {
            csv.Row(a.Device, ReportJson.Time(a.At), a.Kind, a.Detail);
        }
        Daily(csv, r.Savings);
        return csv.ToString();
    }

    public static string State(StateReport r)
    {
        var csv = new CsvTable();
        csv.Section("report", "scope", "month", "generatedAt", "compliant", "cities", "compliantCities", "failingCities",
            "exampleValues", "digest");
        csv.Field(r.Scope).Field(r.Month).Field(ReportJson.Time(r.GeneratedAt)).Field(r.Compliant).Field(r.Cities.Count)
            .Field(r.CompliantCities).Field(string.Join(' ', r.FailingCities.Select(c => c.Ibge))).Field(r.ExampleValues)
            .Field(r.Digest).End();
        Figures(csv, ReportFigures.State(r.Savings), r.Savings.ReportingLuminaires, r.Savings.InventoryLuminaires);
        var rowFigures = r.Cities.Count > 0 ? ReportFigures.Row(r.Cities[0]).Select(f => f.Name) : [];
        csv.Section("cities", ["ibge", "name", "compliant", "compliantPoints", "requiredPoints", .. rowFigures, "exampleValues", "digest"]);
        foreach (var c in r.Cities)
        {
            csv.Field(c.Ibge).Field(c.Name).Field(c.Compliant).Field(c.CompliantPoints).Field(c.RequiredPoints);
            foreach (var (_, value) in ReportFigures.Row(c))
            {
                csv.Field(value);
            }
            csv.Field(c.ExampleValues).Field(c.Digest).End();
        }
        return csv.ToString();
    }

    private static void Figures(CsvTable csv, (string Name, double? Value)[] figures, int reporting, int inventory)
    {
        csv.Section("savings", "figure", "value");
        foreach (var (name, value) in figures)
        {
            csv.Field(name).Field(value).End();
        }
        csv.Field("reportingLuminaires").Field(reporting).End();
        csv.Field("inventoryLuminaires").Field(inventory).End();
    }

    private static void Points(CsvTable csv, CityWifiReport wifi)
    {
        csv.Section("wifiPoints", "device", "name", "availability", "upMinutes", "downMinutes", "noDataMinutes",
            "portalDownMinutes", "minutesInPeriod", "medianDownMbps", "medianUpMbps", "p95LatencyMs", "meanLossPercent",
            "maxClients", "daysUsed", "daysInPeriod", "outages", "compliant", "failed");
        foreach (var p in wifi.Points)
        {
            csv.Field(p.Device).Field(p.Name).Field(p.Availability).Field(p.UpMinutes).Field(p.DownMinutes).Field(p.NoDataMinutes)
                .Field(p.PortalDownMinutes).Field(p.MinutesInPeriod).Field(p.MedianDownMbps).Field(p.MedianUpMbps)
                .Field(p.P95LatencyMs).Field(p.MeanLossPercent).Field(p.MaxClients).Field(p.DaysUsed).Field(p.DaysInPeriod)
                .Field(p.Outages.Count).Field(p.Compliant).Field(string.Join(' ', p.Failed)).End();
        }
    }

    private static void Daily(CsvTable csv, CitySavings s)
    {
        csv.Section("daily", "date", "measuredKwh", "baselineKwh", "aneelBaselineKwh");
        foreach (var d in s.Daily)
        {
            csv.Field(d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                .Field(d.MeasuredKwh).Field(d.BaselineKwh).Field(d.AneelBaselineKwh).End();
        }
    }
}
