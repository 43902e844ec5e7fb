using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>Turns the domain engines' results for a month into city reports and the state report.</summary>
public sealed class ReportBuilder(TimeProvider time)
{
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>One report per city (in IBGE order) and the state report; all share one generation time.</summary>
    /// <exception cref="ArgumentException">A result belongs to another city or month, or a city appears twice.</exception>
    public ReportSet Build(string month, IEnumerable<(CityRecord City, CitySavings Savings, CityWifiReport Wifi)> cities)
    {
        ArgumentException.ThrowIfNullOrEmpty(month);
        ArgumentNullException.ThrowIfNull(cities);
        var at = _time.GetUtcNow();
        var reports = cities.Select(c => City(month, c.City, c.Savings, c.Wifi, at))
            .OrderBy(r => r.Ibge, StringComparer.Ordinal).ToList();
        for (var i = 1; i < reports.Count; i++)
        {
            if (reports[i].Ibge == reports[i - 1].Ibge)
            {
                throw new ArgumentException($"city {reports[i].Ibge} appears twice in the {month} report set", nameof(cities));
            }
        }
        return new ReportSet { Month = month, Cities = reports, State = State(month, reports, at) };
    }

    /// <summary>A single city's report, generated now.</summary>
    public CityReport BuildCity(string month, CityRecord city, CitySavings savings, CityWifiReport wifi) =>
        City(month, city, savings, wifi, _time.GetUtcNow());

    private static CityReport City(string month, CityRecord city, CitySavings savings, CityWifiReport wifi, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentNullException.ThrowIfNull(savings);
        ArgumentNullException.ThrowIfNull(wifi);
        if (savings.Ibge != city.Ibge || wifi.Ibge != city.Ibge)
        {
            throw new ArgumentException($"results for {savings.Ibge} (savings) and {wifi.Ibge} (Wi-Fi) given for city {city.Ibge}");
        }
        if (savings.Month != month || wifi.Month != month)
        {
            throw new ArgumentException($"results for {savings.Month} (savings) and {wifi.Month} (Wi-Fi) given for month {month}");
        }
        var draft = new CityReport
        {
            Ibge = city.Ibge,
            Name = city.Name,
            Month = month,
            TimeZone = city.TimeZone,
            GeneratedAt = at,
            ExampleValues = city.ExampleValues,
            Savings = savings,
            Wifi = wifi,
            Digest = "",
        };
        return draft with { Digest = ReportDigest.Compute(draft) };
    }

    private static StateReport State(string month, List<CityReport> cities, DateTimeOffset at)
    {
        var rows = cities.Select(c => new StateCityRow(
            c.Ibge, c.Name, c.Compliant, c.Wifi.CompliantPoints, c.Wifi.RequiredPoints, c.Wifi.Completeness,
            c.Savings.SavingsKwh, c.Savings.SavingsBrl, c.Savings.BillSavingsBrl, c.Savings.SavingsPercentOfRevenue,
            c.Savings.CostToCip, c.Savings.PaybackMonths, c.Savings.Co2AvoidedT, c.Savings.Completeness,
            c.ExampleValues, c.Digest)).ToList();
        var draft = new StateReport
        {
            Month = month,
            GeneratedAt = at,
            ExampleValues = cities.Any(c => c.ExampleValues),
            Savings = StateSavings.Aggregate(month, cities.Select(c => c.Savings)),
            Cities = rows,
            FailingCities = rows.Where(r => !r.Compliant).ToList(),
            Digest = "",
        };
        return draft with { Digest = ReportDigest.Compute(draft) };
    }
}
