using CidadesInteligentes.Edge.Hardware.Linux;
using CidadesInteligentes.Edge.Hardware.Simulated;
using Xunit;

namespace CidadesInteligentes.Edge.Hardware.Tests;

public sealed class Bh1750Tests
{
    [Fact]
    public void Starts_continuous_mode_and_converts_counts_to_lux()
    {
        var chip = new Bh1750Simulator { Lux = 35 };
        using var sensor = new Bh1750LightSensor(chip);
        Assert.True(chip.Measuring);
        // 35 lx × 1.2 = 42 counts → 42 / 1.2 = 35 lx.
        Assert.True(sensor.TryReadLux(out var lux));
        Assert.Equal(35, lux, 1e-9);

        // Full sun saturates the 16-bit count: 65535 / 1.2 = 54612.5 lx.
        chip.Lux = 100_000;
        Assert.True(sensor.TryReadLux(out lux));
        Assert.Equal(54612.5, lux, 1e-9);
    }

    [Fact]
    public void Restarts_the_sensor_after_it_stops_answering()
    {
        var chip = new Bh1750Simulator { Lux = 10 };
        using var sensor = new Bh1750LightSensor(chip);
        chip.Unresponsive = true;
        Assert.False(sensor.TryReadLux(out _));
        chip.Unresponsive = false;
        chip.Write([(byte)Bh1750Command.PowerDown]); // it came back from a power cut, powered down
        Assert.False(chip.Measuring);
        Assert.True(sensor.TryReadLux(out var lux));
        Assert.True(chip.Measuring);
        Assert.Equal(10, lux, 1);
    }
}
