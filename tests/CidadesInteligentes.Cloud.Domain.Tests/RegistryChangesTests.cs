using CidadesInteligentes.Cloud.Domain.Registry;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class RegistryChangesTests
{
    private static CityRecord Lorena()
    {
        var city = TestCities.SaoCarlos();
        city.Ibge = "3527207";
        city.Name = "Lorena";
        city.DevicePrefix = "lo";
        city.Luminaires = [new LuminaireRecord { Id = "lo-lum-000001", BaselineW = 170, LedW = 80 }];
        city.WifiPoints = [new WifiPointRecord { Id = "lo-wifi-01", Name = "Praça" }];
        return city;
    }

    [Fact]
    public void Names_cities_devices_and_adjustments_added_removed_and_changed_by_id()
    {
        var current = new RegistryDocument { Cities = [TestCities.SaoCarlos(), Lorena()] };
        var sc = TestCities.SaoCarlos();
        sc.TariffBrlPerKwh = 0.9;                                  // city figure changed
        sc.Luminaires[1].Circuit = "sc-c01";                       // sc-lum-000002 changed
        sc.Luminaires.Add(new LuminaireRecord { Id = "sc-lum-000003", BaselineW = 170, LedW = 80 });
        sc.Fleet = new FleetSpec { WifiPoints = 2 };               // sc-wifi-01, sc-wifi-02 generated
        sc.Adjustments = [new BaselineAdjustment { Device = "sc-lum-000001", EffectiveFrom = new DateOnly(2026, 11, 1), BaselineW = 250, Reason = "r", ApprovedBy = "a" }];
        var proposed = new RegistryDocument { Cities = [sc] };     // Lorena removed

        var changes = RegistryChanges.Between(current, proposed);

        Assert.Equal(["3548906"], changes.CitiesChanged);
        Assert.Equal(["3527207"], changes.CitiesRemoved);
        Assert.Empty(changes.CitiesAdded);
        Assert.Equal(["sc-lum-000003"], changes.LuminairesAdded);
        Assert.Equal(["lo-lum-000001"], changes.LuminairesRemoved);
        Assert.Equal(["sc-lum-000002"], changes.LuminairesChanged);
        Assert.Equal(["sc-wifi-01", "sc-wifi-02"], changes.WifiPointsAdded);
        Assert.Equal(["lo-wifi-01"], changes.WifiPointsRemoved);
        Assert.Equal(["'sc-lum-000001' from 2026-11-01 (250 W)"], changes.AdjustmentsAdded);
        Assert.Equal(
            "cities 2 → 1 (removed 3527207; changed 3548906); "
            + "luminaires 3 → 3 (added sc-lum-000003; removed lo-lum-000001; changed sc-lum-000002); "
            + "Wi-Fi points 1 → 2 (added sc-wifi-01, sc-wifi-02; removed lo-wifi-01); "
            + "adjustments added: 'sc-lum-000001' from 2026-11-01 (250 W)",
            changes.ToString());
    }

    [Fact]
    public void An_identical_registry_changes_nothing_and_existing_adjustments_are_not_added_again()
    {
        var city = TestCities.SaoCarlos();
        city.Adjustments = [new BaselineAdjustment { Device = "sc-lum-000001", EffectiveFrom = new DateOnly(2026, 6, 1), BaselineW = 250, Reason = "r", ApprovedBy = "a" }];
        var doc = new RegistryDocument { Cities = [city] };
        var again = RegistryLoader.Parse(RegistryLoader.Serialize(doc)).Document!;

        var changes = RegistryChanges.Between(doc, again);

        Assert.Equal("cities 1 → 1; luminaires 2 → 2; Wi-Fi points 0 → 0", changes.ToString());
    }

    [Fact]
    public void Long_lists_name_the_first_fifty_and_count_the_rest()
    {
        var sc = TestCities.SaoCarlos();
        sc.Fleet = new FleetSpec { Luminaires = 60 };
        // sc-lum-000001/2 are explicit already, so the fleet adds 000003 … 000060: 58 new ids, 50 named, 8 counted
        var text = RegistryChanges.Between(new RegistryDocument { Cities = [TestCities.SaoCarlos()] }, new RegistryDocument { Cities = [sc] }).ToString();
        Assert.Contains("luminaires 2 → 60 (added sc-lum-000003, ", text, StringComparison.Ordinal);
        Assert.Contains("sc-lum-000052 and 8 more)", text, StringComparison.Ordinal);
    }
}
