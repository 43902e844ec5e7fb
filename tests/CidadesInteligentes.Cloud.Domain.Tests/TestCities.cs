using CidadesInteligentes.Cloud.Domain.Registry;

namespace CidadesInteligentes.Cloud.Domain.Tests;

internal static class TestCities
{
    /// <summary>Round numbers so the worked examples stay checkable by hand.</summary>
    public static CityRecord SaoCarlos(string billing = BillingModes.Estimated) => new()
    {
        Ibge = "3548906",
        Name = "São Carlos",
        Latitude = -22.0175,
        Longitude = -47.8909,
        TariffBrlPerKwh = 0.80,
        Billing = billing,
        AneelHoursPerDay = 11.45,
        AnnualRevenueBrl = 12_000_000,   // 1,000,000 a month
        AnnualCipRevenueBrl = 1_200_000, // 100,000 a month
        FinancingBrl = 1_000_000,
        EmissionFactorTPerMwh = 0.0385,
        DevicePrefix = "sc",
        Luminaires =
        [
            new LuminaireRecord { Id = "sc-lum-000001", BaselineW = 170, LedW = 80, LegacyTechnology = "HPS 150 W" },
            new LuminaireRecord { Id = "sc-lum-000002", BaselineW = 170, LedW = 80, LegacyTechnology = "HPS 150 W" },
        ],
    };

    public static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CidadesInteligentes.Iot.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), relative);
    }
}
