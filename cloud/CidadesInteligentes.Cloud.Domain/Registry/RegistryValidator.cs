using System.Text.RegularExpressions;
using CidadesInteligentes.Telemetry;

namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>Checks a registry document and lists every problem with its JSON path.</summary>
public static partial class RegistryValidator
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$")]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex("^[a-z0-9]{1,16}$")]
    private static partial Regex PrefixPattern();

    public static IReadOnlyList<RegistryProblem> Validate(RegistryDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var problems = new List<RegistryProblem>();
        if (doc.Version != 1)
        {
            problems.Add(new("$.version", $"version {doc.Version} is not supported; use 1"));
        }
        if (doc.Cities is null || doc.Cities.Count == 0)
        {
            problems.Add(new("$.cities", "the registry lists no city"));
            return problems;
        }
        var codes = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        var devices = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < doc.Cities.Count; i++)
        {
            var city = doc.Cities[i];
            var at = $"$.cities[{i}]";
            if (city is null)
            {
                problems.Add(new(at, "empty city entry"));
                continue;
            }
            ValidateCity(city, at, problems);
            if (!string.IsNullOrEmpty(city.Ibge) && !codes.Add(city.Ibge))
            {
                problems.Add(new(at + ".ibge", $"city {city.Ibge} is listed twice"));
            }
            if (!string.IsNullOrEmpty(city.DevicePrefix) && !prefixes.Add(city.DevicePrefix))
            {
                problems.Add(new(at + ".devicePrefix", $"device prefix '{city.DevicePrefix}' is already used by another city"));
            }
            ValidateDevices(city.Expand(), at, devices, problems);
        }
        return problems;
    }

    private static void ValidateCity(CityRecord c, string at, List<RegistryProblem> p)
    {
        if (!Municipalities.IsKnown(c.Ibge))
        {
            p.Add(new(at + ".ibge", $"'{c.Ibge}' is not the IBGE code of a São Paulo municipality"));
        }
        if (string.IsNullOrWhiteSpace(c.Name))
        {
            p.Add(new(at + ".name", "the city needs a name"));
        }
        Range(p, at + ".latitude", c.Latitude, -25.5, -19.5, "latitude must be inside São Paulo state (−25.5 to −19.5)");
        Range(p, at + ".longitude", c.Longitude, -53.5, -44, "longitude must be inside São Paulo state (−53.5 to −44)");
        if (!IsTimeZone(c.TimeZone))
        {
            p.Add(new(at + ".timeZone", $"'{c.TimeZone}' is not a known time zone"));
        }
        Range(p, at + ".tariffBrlPerKwh", c.TariffBrlPerKwh, 0.01, 10, "the tariff must be between R$ 0.01 and R$ 10 per kWh");
        if (c.Billing is not (BillingModes.Metered or BillingModes.Estimated))
        {
            p.Add(new(at + ".billing", $"billing must be 'metered' or 'estimated', not '{c.Billing}'"));
        }
        Range(p, at + ".aneelHoursPerDay", c.AneelHoursPerDay, 10, 13, "ANEEL billing hours per day must be between 10 and 13 (11 h 22 to 11 h 52 in practice)");
        Range(p, at + ".annualRevenueBrl", c.AnnualRevenueBrl, 1, 1e12, "annual revenue must be a positive amount in R$");
        Range(p, at + ".annualCipRevenueBrl", c.AnnualCipRevenueBrl, 0, 1e11, "CIP revenue must be zero or a positive amount in R$");
        Range(p, at + ".financingBrl", c.FinancingBrl, 0, 1e10, "financing must be zero or a positive amount in R$");
        Range(p, at + ".emissionFactorTPerMwh", c.EmissionFactorTPerMwh, 0, 2, "the emission factor must be between 0 and 2 tCO2/MWh");
        if (c.RequiredWifiPoints < 0 || c.RequiredWifiPoints > 1000)
        {
            p.Add(new(at + ".requiredWifiPoints", "required Wi-Fi points must be between 0 and 1000"));
        }
        var t = c.WifiThresholds;
        if (t is null)
        {
            p.Add(new(at + ".wifiThresholds", "Wi-Fi thresholds are missing"));
        }
        else
        {
            Range(p, at + ".wifiThresholds.minAvailability", t.MinAvailability, 0, 1, "minimum availability is a fraction between 0 and 1 (0.95 = 95 %)");
            Range(p, at + ".wifiThresholds.minMedianDownMbps", t.MinMedianDownMbps, 0, 10000, "minimum median download must be between 0 and 10000 Mbps");
            Range(p, at + ".wifiThresholds.maxP95LatencyMs", t.MaxP95LatencyMs, 1, 60000, "maximum p95 latency must be between 1 and 60000 ms");
            Range(p, at + ".wifiThresholds.minUsedDays", t.MinUsedDays, 0, 1, "minimum used days is a fraction between 0 and 1");
        }
        if (!PrefixPattern().IsMatch(c.DevicePrefix ?? ""))
        {
            p.Add(new(at + ".devicePrefix", "the device prefix must be 1–16 lowercase letters or digits"));
        }
        if (c.Fleet is { } f)
        {
            if (f.Luminaires < 0 || f.Luminaires > 999_999)
            {
                p.Add(new(at + ".fleet.luminaires", "fleet luminaires must be between 0 and 999999"));
            }
            if (f.WifiPoints < 0 || f.WifiPoints > 99)
            {
                p.Add(new(at + ".fleet.wifiPoints", "fleet Wi-Fi points must be between 0 and 99"));
            }
            if (f.Circuits < 0)
            {
                p.Add(new(at + ".fleet.circuits", "fleet circuits cannot be negative"));
            }
            Power(p, at + ".fleet", f.BaselineW, f.LedW);
        }
    }

    private static void ValidateDevices(CityRecord c, string at, Dictionary<string, string> seen, List<RegistryProblem> p)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < c.Luminaires.Count; j++)
        {
            var l = c.Luminaires[j];
            var lat = $"{at}.luminaires[{j}]";
            DeviceId(p, lat + ".id", l.Id, at, seen);
            Power(p, lat, l.BaselineW, l.LedW);
            ids.Add(l.Id);
        }
        for (var j = 0; j < c.WifiPoints.Count; j++)
        {
            DeviceId(p, $"{at}.wifiPoints[{j}].id", c.WifiPoints[j].Id, at, seen);
        }
        for (var j = 0; j < c.Adjustments.Count; j++)
        {
            var a = c.Adjustments[j];
            var aat = $"{at}.adjustments[{j}]";
            if (!ids.Contains(a.Device))
            {
                p.Add(new(aat + ".device", $"adjustment names '{a.Device}', which is not a luminaire of this city"));
            }
            Range(p, aat + ".baselineW", a.BaselineW, 1, 5000, "the adjusted baseline must be between 1 and 5000 W");
            if (a.LedW is { } led)
            {
                Range(p, aat + ".ledW", led, 1, 5000, "the adjusted LED power must be between 1 and 5000 W");
            }
            if (string.IsNullOrWhiteSpace(a.Reason))
            {
                p.Add(new(aat + ".reason", "an adjustment must say why the baseline changed"));
            }
            if (string.IsNullOrWhiteSpace(a.ApprovedBy))
            {
                p.Add(new(aat + ".approvedBy", "an adjustment must name who approved it"));
            }
        }
    }

    private static void DeviceId(List<RegistryProblem> p, string path, string id, string cityPath, Dictionary<string, string> seen)
    {
        if (!DeviceIdPattern().IsMatch(id ?? ""))
        {
            p.Add(new(path, $"'{id}' is not a valid device id (3–64 lowercase letters, digits or '-', starting with a letter or digit)"));
            return;
        }
        if (!seen.TryAdd(id!, path))
        {
            p.Add(new(path, $"device '{id}' is already listed at {seen[id!]}"));
        }
        _ = cityPath;
    }

    private static void Power(List<RegistryProblem> p, string at, double baselineW, double ledW)
    {
        Range(p, at + ".baselineW", baselineW, 1, 5000, "the legacy baseline power must be between 1 and 5000 W");
        Range(p, at + ".ledW", ledW, 1, 5000, "the LED power must be between 1 and 5000 W");
    }

    private static void Range(List<RegistryProblem> p, string path, double value, double min, double max, string message)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            p.Add(new(path, message + $" (found {value.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
        }
    }

    private static bool IsTimeZone(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
    }
}
