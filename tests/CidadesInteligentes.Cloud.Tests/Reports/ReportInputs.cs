using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Domain.Wifi;
using CidadesInteligentes.Cloud.Reports;
using CidadesInteligentes.Testing;

namespace CidadesInteligentes.Cloud.Tests.Reports;

/// <summary>
/// Small hand-made June 2026 data run through the real domain engines. Each city: 2 luminaires (170 W legacy, 80 W
/// LED), one reporting every 15 min (+10 Wh, +450 s); 5 Wi-Fi points reporting every minute (20 Mbps down, 5 up,
/// 40 ms), point 1 with its backhaul down for the first 100 minutes, and <c>silentPoints</c> points with no data.
/// </summary>
internal static class ReportInputs
{
    public const string Month = "2026-06";

    // June 2026 in São Paulo: local midnight 1 June = 03:00Z; 30 × 1440 = 43,200 minutes
    public static readonly DateTimeOffset June1 = new(2026, 6, 1, 3, 0, 0, TimeSpan.Zero);
    public const int Minutes = 43_200;

    public static CityRecord City(string ibge = "3548906", string name = "São Carlos", string prefix = "sc", string? pointName = null) => new()
    {
        Ibge = ibge,
        Name = name,
        TariffBrlPerKwh = 0.80,
        AneelHoursPerDay = 11.45,
        AnnualRevenueBrl = 12_000_000,   // 1,000,000 a month
        AnnualCipRevenueBrl = 1_200_000, // 100,000 a month
        FinancingBrl = 1_000_000,
        EmissionFactorTPerMwh = 0.0385,
        ExampleValues = true,
        DevicePrefix = prefix,
        Luminaires =
        [
            new LuminaireRecord { Id = FleetSpec.LuminaireId(prefix, 1), BaselineW = 170, LedW = 80, LegacyTechnology = "HPS 150 W" },
            new LuminaireRecord { Id = FleetSpec.LuminaireId(prefix, 2), BaselineW = 170, LedW = 80, LegacyTechnology = "HPS 150 W" },
        ],
        WifiPoints = Enumerable.Range(1, 5)
            .Select(i => new WifiPointRecord { Id = FleetSpec.WifiId(prefix, i), Name = i == 1 && pointName is not null ? pointName : $"Praça {i}" })
            .ToList(),
    };

    public static CitySavings Savings(CityRecord city)
    {
        var readings = new List<EnergyReading>(2881);
        for (var i = 0; i <= 30 * 96; i++)
        {
            readings.Add(new EnergyReading(i + 1, June1.AddMinutes(15 * i), 10.0 * i, 450L * i));
        }
        var byDevice = new Dictionary<string, IReadOnlyList<EnergyReading>>(StringComparer.Ordinal)
        {
            [city.Luminaires[0].Id] = readings,
        };
        return SavingsCalculator.Compute(city, Month, city.Luminaires, byDevice, []);
    }

    public static CityWifiReport Wifi(CityRecord city, int silentPoints = 0, double latencyOfLastMinuteMs = 40)
    {
        var inputs = new List<WifiPointInput>();
        for (var n = 1; n <= 5 - silentPoints; n++)
        {
            var samples = new List<WifiSample>(Minutes);
            for (var k = 0; k < Minutes; k++)
            {
                var latency = k == Minutes - 1 ? latencyOfLastMinuteMs : 40;
                samples.Add(new WifiSample(k + 1, June1.AddMinutes(k), n != 1 || k >= 100, true, latency, 0, 20, 5, 1, 3));
            }
            inputs.Add(new WifiPointInput(FleetSpec.WifiId(city.DevicePrefix, n), samples));
        }
        return WifiCompliance.Compute(city, Month, inputs);
    }

    public static (CityRecord, CitySavings, CityWifiReport) Input(CityRecord city, int silentPoints = 0) =>
        (city, Savings(city), Wifi(city, silentPoints));

    public static ReportBuilder Builder(DateTimeOffset? at = null) =>
        new(new ManualTimeProvider(at ?? new DateTimeOffset(2026, 7, 1, 6, 0, 0, TimeSpan.Zero)));
}
