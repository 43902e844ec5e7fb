using CidadesInteligentes.Cloud.Domain.Registry;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class RegistryFrozenBaselineTests
{
    private static readonly BaselineAdjustment Relamped = new()
    {
        Device = "sc-lum-000001", EffectiveFrom = new DateOnly(2026, 6, 1), BaselineW = 250, LedW = 100, Reason = "survey found HPS 250 W", ApprovedBy = "eng. Souza",
    };

    private static RegistryDocument Current()
    {
        var city = TestCities.SaoCarlos();
        city.Adjustments = [Copy(Relamped)];
        return new RegistryDocument { Cities = [city] };
    }

    private static BaselineAdjustment Copy(BaselineAdjustment a) => new()
    {
        Device = a.Device, EffectiveFrom = a.EffectiveFrom, BaselineW = a.BaselineW, LedW = a.LedW, Reason = a.Reason, ApprovedBy = a.ApprovedBy,
    };

    [Fact]
    public void Adding_luminaires_and_adjustments_and_editing_other_fields_is_allowed()
    {
        var proposed = Current();
        var city = proposed.Cities[0];
        city.TariffBrlPerKwh = 0.95;
        city.Luminaires[0].Latitude = -22.01;
        city.Luminaires[0].Circuit = "sc-c02";
        city.Luminaires.Add(new LuminaireRecord { Id = "sc-lum-000003", BaselineW = 400, LedW = 150, LegacyTechnology = "HPS 400 W" });
        city.Adjustments.Insert(0, new BaselineAdjustment { Device = "sc-lum-000002", EffectiveFrom = new DateOnly(2026, 7, 1), BaselineW = 100, Reason = "r", ApprovedBy = "a" });

        Assert.Empty(FrozenBaselines.Check(Current(), proposed));
    }

    [Fact]
    public void An_empty_current_registry_freezes_nothing()
    {
        var proposed = Current();
        proposed.Cities[0].Luminaires[0].BaselineW = 999;
        Assert.Empty(FrozenBaselines.Check(new RegistryDocument(), proposed));
    }

    [Fact]
    public void Changing_baseline_led_power_or_legacy_technology_of_an_existing_luminaire_is_listed_per_field()
    {
        var proposed = Current();
        proposed.Cities[0].Luminaires[1].BaselineW = 150;
        proposed.Cities[0].Luminaires[1].LedW = 60;
        proposed.Cities[0].Luminaires[0].LegacyTechnology = "MH 150 W";

        var problems = FrozenBaselines.Check(Current(), proposed);

        Assert.Equal(
            ["$.cities[0].luminaires[0].legacyTechnology", "$.cities[0].luminaires[1].baselineW", "$.cities[0].luminaires[1].ledW"],
            problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        var baseline = problems.Single(p => p.Path.EndsWith("baselineW", StringComparison.Ordinal));
        Assert.Contains("'sc-lum-000002' from 170 W to 150 W", baseline.Message, StringComparison.Ordinal);
        Assert.Contains("new adjustment", baseline.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_luminaire_moved_in_the_list_is_still_found_by_id()
    {
        var proposed = Current();
        proposed.Cities[0].Luminaires.Reverse();
        proposed.Cities[0].Luminaires[0].BaselineW = 171; // sc-lum-000002, now first
        Assert.Equal("$.cities[0].luminaires[0].baselineW", Assert.Single(FrozenBaselines.Check(Current(), proposed)).Path);
    }

    [Fact]
    public void Changing_the_baseline_of_a_fleet_line_with_existing_luminaires_is_one_problem_on_the_fleet()
    {
        var current = Current();
        current.Cities[0].Fleet = new FleetSpec { Luminaires = 3, BaselineW = 170, LedW = 80 };
        var proposed = Current();
        proposed.Cities[0].Fleet = new FleetSpec { Luminaires = 5, BaselineW = 200, LedW = 80 };

        // sc-lum-000001/2 are explicit and unchanged; the generated sc-lum-000003 existed and went 170 → 200 W;
        // sc-lum-000004/5 are new and may have any baseline
        var problem = Assert.Single(FrozenBaselines.Check(current, proposed));
        Assert.Equal("$.cities[0].fleet.baselineW", problem.Path);
        Assert.Contains("'sc-lum-000003' from 170 W to 200 W", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_or_altering_an_existing_adjustment_is_refused()
    {
        var removed = Current();
        removed.Cities[0].Adjustments.Clear();
        var gone = Assert.Single(FrozenBaselines.Check(Current(), removed));
        Assert.Equal("$.cities[0].adjustments", gone.Path);
        Assert.Contains("no longer lists the existing adjustment 'sc-lum-000001' from 2026-06-01 (250 W, LED 100 W)", gone.Message, StringComparison.Ordinal);

        var altered = Current();
        altered.Cities[0].Adjustments.Insert(0, new BaselineAdjustment { Device = "sc-lum-000002", EffectiveFrom = new DateOnly(2026, 7, 1), BaselineW = 100, Reason = "r", ApprovedBy = "a" });
        altered.Cities[0].Adjustments[1].BaselineW = 260;
        var changed = Assert.Single(FrozenBaselines.Check(Current(), altered));
        Assert.Equal("$.cities[0].adjustments[1]", changed.Path);
        Assert.Contains("alters the existing adjustment", changed.Message, StringComparison.Ordinal);

        var lorena = TestCities.SaoCarlos();
        lorena.Ibge = "3527207";
        lorena.DevicePrefix = "lo";
        lorena.Luminaires = [];
        var cityGone = new RegistryDocument { Cities = [lorena] };
        Assert.Contains("city 3548906 is gone", Assert.Single(FrozenBaselines.Check(Current(), cityGone)).Message, StringComparison.Ordinal);
    }
}
