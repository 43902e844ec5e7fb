using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Wifi;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// The one JSON form of a report: camelCase names in a fixed order, shortest round-trip invariant numbers, times
/// in UTC. The digest hashes the same writer's output without the envelope (generatedAt, digest), so what is
/// hashed is exactly what is published.
/// </summary>
internal static class ReportJson
{
    // accents stay readable; HTML-sensitive characters are still escaped
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    public static byte[] Write(IReport report, bool envelope, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = Encoder }))
        {
            switch (report)
            {
                case CityReport city:
                    WriteCity(w, city, envelope);
                    break;
                case StateReport state:
                    WriteState(w, state, envelope);
                    break;
                default:
                    throw new ArgumentException($"unknown report type {report.GetType().Name}", nameof(report));
            }
        }
        return buffer.ToArray();
    }

    private static void WriteHead(Utf8JsonWriter w, IReport r, bool envelope)
    {
        w.WriteString("scope", r.Scope);
        w.WriteString("month", r.Month);
        if (envelope)
        {
            w.WriteString("generatedAt", Time(r.GeneratedAt));
            w.WriteString("digest", r.Digest);
        }
        w.WriteBoolean("compliant", r.Compliant);
        w.WriteBoolean("exampleValues", r.ExampleValues);
    }

    private static void WriteCity(Utf8JsonWriter w, CityReport r, bool envelope)
    {
        w.WriteStartObject();
        WriteHead(w, r, envelope);
        w.WriteString("ibge", r.Ibge);
        w.WriteString("name", r.Name);
        w.WriteString("timeZone", r.TimeZone);
        w.WritePropertyName("wifi");
        WriteWifi(w, r.Wifi);
        w.WritePropertyName("savings");
        WriteSavings(w, r.Savings);
        w.WriteEndObject();
    }

    private static void WriteWifi(Utf8JsonWriter w, CityWifiReport x)
    {
        w.WriteStartObject();
        w.WriteString("ibge", x.Ibge);
        w.WriteString("month", x.Month);
        w.WriteBoolean("compliant", x.Compliant);
        w.WriteNumber("compliantPoints", x.CompliantPoints);
        w.WriteNumber("requiredPoints", x.RequiredPoints);
        Number(w, "completeness", x.Completeness);
        w.WriteString("digest", x.Digest);
        w.WriteStartArray("points");
        foreach (var p in x.Points)
        {
            WritePoint(w, p);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter w, WifiPointReport p)
    {
        w.WriteStartObject();
        w.WriteString("device", p.Device);
        w.WriteString("name", p.Name);
        Number(w, "availability", p.Availability);
        w.WriteNumber("upMinutes", p.UpMinutes);
        w.WriteNumber("downMinutes", p.DownMinutes);
        w.WriteNumber("noDataMinutes", p.NoDataMinutes);
        w.WriteNumber("portalDownMinutes", p.PortalDownMinutes);
        w.WriteNumber("minutesInPeriod", p.MinutesInPeriod);
        Number(w, "medianDownMbps", p.MedianDownMbps);
        Number(w, "medianUpMbps", p.MedianUpMbps);
        Number(w, "p95LatencyMs", p.P95LatencyMs);
        Number(w, "meanLossPercent", p.MeanLossPercent);
        w.WriteNumber("maxClients", p.MaxClients);
        w.WriteNumber("daysUsed", p.DaysUsed);
        w.WriteNumber("daysInPeriod", p.DaysInPeriod);
        w.WriteBoolean("compliant", p.Compliant);
        w.WriteStartArray("failed");
        foreach (var f in p.Failed)
        {
            w.WriteStringValue(f);
        }
        w.WriteEndArray();
        w.WriteStartArray("outages");
        foreach (var o in p.Outages)
        {
            w.WriteStartObject();
            w.WriteString("start", Time(o.Start));
            w.WriteString("end", Time(o.End));
            w.WriteString("cause", o.Cause);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("timeline");
        foreach (var s in p.Timeline)
        {
            w.WriteStartObject();
            w.WriteString("start", Time(s.Start));
            w.WriteString("end", Time(s.End));
            w.WriteString("state", s.State);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSavings(Utf8JsonWriter w, CitySavings s)
    {
        w.WriteStartObject();
        w.WriteString("ibge", s.Ibge);
        w.WriteString("month", s.Month);
        foreach (var (name, value) in ReportFigures.Savings(s))
        {
            Number(w, name, value);
        }
        w.WriteNumber("reportingLuminaires", s.ReportingLuminaires);
        w.WriteNumber("inventoryLuminaires", s.InventoryLuminaires);
        w.WriteStartArray("adjustments");
        foreach (var a in s.Adjustments)
        {
            w.WriteStartObject();
            w.WriteString("device", a.Device);
            w.WriteString("at", Time(a.At));
            w.WriteString("kind", a.Kind);
            w.WriteString("detail", a.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("daily");
        foreach (var d in s.Daily)
        {
            w.WriteStartObject();
            w.WriteString("date", d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Number(w, "measuredKwh", d.MeasuredKwh);
            Number(w, "baselineKwh", d.BaselineKwh);
            Number(w, "aneelBaselineKwh", d.AneelBaselineKwh);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteState(Utf8JsonWriter w, StateReport r, bool envelope)
    {
        w.WriteStartObject();
        WriteHead(w, r, envelope);
        w.WriteNumber("cities", r.Cities.Count);
        w.WriteNumber("compliantCities", r.CompliantCities);
        w.WriteStartArray("failingCities");
        foreach (var c in r.FailingCities)
        {
            w.WriteStringValue(c.Ibge);
        }
        w.WriteEndArray();
        w.WritePropertyName("savings");
        w.WriteStartObject();
        foreach (var (name, value) in ReportFigures.State(r.Savings))
        {
            Number(w, name, value);
        }
        w.WriteNumber("reportingLuminaires", r.Savings.ReportingLuminaires);
        w.WriteNumber("inventoryLuminaires", r.Savings.InventoryLuminaires);
        w.WriteEndObject();
        w.WriteStartArray("cityReports");
        foreach (var c in r.Cities)
        {
            w.WriteStartObject();
            w.WriteString("ibge", c.Ibge);
            w.WriteString("name", c.Name);
            w.WriteBoolean("compliant", c.Compliant);
            w.WriteNumber("compliantPoints", c.CompliantPoints);
            w.WriteNumber("requiredPoints", c.RequiredPoints);
            foreach (var (name, value) in ReportFigures.Row(c))
            {
                Number(w, name, value);
            }
            w.WriteBoolean("exampleValues", c.ExampleValues);
            w.WriteString("digest", c.Digest);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v == 0 ? 0 : v); // −0 and 0 publish (and hash) alike
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>UTC, ISO 8601, ticks kept (trailing zeros dropped).</summary>
    internal static string Time(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
