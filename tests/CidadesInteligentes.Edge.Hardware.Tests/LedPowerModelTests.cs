using Xunit;

namespace CidadesInteligentes.Edge.Hardware.Tests;

public sealed class LedPowerModelTests
{
    [Fact]
    public void Expected_power_follows_the_domain_rule()
    {
        // 100 W LED: P(d) = 100 × (0.1 + 0.9 d/100): 100 % → 100 W, 50 % → 55 W, 0 % → 10 W.
        var model = new LedPowerModel(100);
        Assert.Equal(100, model.ExpectedPowerW(100), 1e-9);
        Assert.Equal(55, model.ExpectedPowerW(50), 1e-9);
        Assert.Equal(10, model.ExpectedPowerW(0), 1e-9);
        // Efficiency at 100 % = 0.9; at 50 %: LEDs get 100 × 0.9 × 0.5 = 45 W of 55 W = 0.818.
        Assert.Equal(0.9, model.DriverEfficiency(100), 1e-9);
        Assert.Equal(45.0 / 55.0, model.DriverEfficiency(50), 1e-9);
    }
}
