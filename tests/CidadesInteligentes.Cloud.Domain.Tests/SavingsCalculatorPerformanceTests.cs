using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

[Collection(PerformanceCollection.Name)]
public sealed class SavingsCalculatorPerformanceTests
{
    [Fact]
    public void City_month_of_200_luminaires_at_15_min_is_fast()
    {
        var city = TestCities.SaoCarlos();
        city.Fleet = new FleetSpec { Luminaires = 200 };
        city.Luminaires = [];
        var inv = city.Expand().Luminaires;
        var month = SavingsCalculatorTests.SteadyMonth();
        var readings = inv.ToDictionary(l => l.Id, _ => (IReadOnlyList<EnergyReading>)month, StringComparer.Ordinal);
        CitySavings s = null!;
        var best = PerformanceCollection.BestCpuMs(() => s = SavingsCalculator.Compute(city, "2026-06", inv, readings, (IReadOnlyList<BaselineAdjustment>)[]));
        Assert.Equal(200 * 28.8, s.MeasuredKwh, 6);
        Assert.Equal(1, s.Completeness, 12);
        Assert.True(best < 100, $"took {best} ms");
    }
}
