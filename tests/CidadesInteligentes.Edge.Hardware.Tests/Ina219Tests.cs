using CidadesInteligentes.Edge.Hardware.Linux;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Hardware.Tests;

public sealed class Ina219Tests
{
    [Fact]
    public void Calibration_follows_the_datasheet_procedure()
    {
        // R = 0.1 Ω, I_max = 2 A: Current_LSB = 2/32768 = 61.035 µA; Cal = trunc(0.04096/(61.035e-6 × 0.1))
        // = trunc(6710.886) = 6710; LSB in force = 0.04096/(6710 × 0.1) = 61.043 µA; Power_LSB = 1.22086 mW.
        using var dir = new TempDirectory();
        var chip = new Ina219Simulator();
        using var meter = new Ina219PowerMeter(chip, new Ina219Options(), new EnergyRegister(dir.File("e")), new ManualTimeProvider());
        Assert.Equal(6710, meter.Calibration);
        Assert.Equal(6710, chip.CalibrationRegister);
        Assert.Equal(61.0432e-6, meter.CurrentLsbA, 1e-9);
        Assert.Equal(1.220864e-3, meter.PowerLsbW, 1e-8);
    }

    [Fact]
    public void Decodes_voltage_current_and_power_through_a_divider()
    {
        // 220 V, 100 W at pf 1 → I = 0.45455 A; chip sees 22.0 V (10:1). Shunt = 0.45455 × 0.1 / 10 µV = 4545;
        // current reg = trunc(4545 × 6710 / 4096) = 7445 → 7445 × 61.0432 µA = 0.45447 A;
        // bus reg = 22 / 4 mV = 5500; power reg = trunc(7445 × 5500 / 5000) = 8189 → 8189 × 1.220864 mW × 10 = 99.98 W.
        using var dir = new TempDirectory();
        var chip = new Ina219Simulator();
        using var meter = new Ina219PowerMeter(chip, new Ina219Options(BusVoltageScale: 10), new EnergyRegister(dir.File("e")), new ManualTimeProvider());
        chip.SetLoad(22.0, 100.0 / 220.0);

        Assert.True(meter.TryRead(out var r));
        Assert.Equal(220.0, r.VoltageV, 1e-9);
        Assert.Equal(0.45447, r.CurrentA, 1e-5);
        Assert.Equal(99.976, r.PowerW, 1e-3);
        Assert.Equal(0.04545, meter.ReadShuntVoltageV(), 1e-9);
    }

    [Fact]
    public void Integrates_energy_by_trapezoid_and_caps_long_gaps()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        var chip = new Ina219Simulator();
        using var meter = new Ina219PowerMeter(chip, new Ina219Options(BusVoltageScale: 10), new EnergyRegister(dir.File("e")), time);
        chip.SetLoad(22.0, 100.0 / 220.0);
        Assert.True(meter.TryRead(out var first));
        Assert.Equal(0, first.EnergyWh);

        // 60 s at 99.976 W = 1.6663 Wh.
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(meter.TryRead(out var second));
        Assert.Equal(99.976 / 60, second.EnergyWh, 1e-3);

        // One hour of silence integrates only the 5-minute cap: + 99.976 / 12 = 8.331 Wh.
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(meter.TryRead(out var third));
        Assert.Equal((99.976 / 60) + (99.976 / 12), third.EnergyWh, 1e-3);
    }

    [Fact]
    public void A_register_the_card_cannot_take_counts_each_minute_once_and_the_meter_keeps_reading()
    {
        // The register's folder is taken by a file, so every write fails with an IOException, as on a full or
        // read-only card. Each minute at 99.976 W adds 1.6663 Wh, past the 1 Wh write step, so each read tries a write.
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.File("state"), "energy.wh");
        var register = new EnergyRegister(path);
        File.WriteAllText(dir.File("state"), "");
        var time = new ManualTimeProvider();
        var chip = new Ina219Simulator();
        var meter = new Ina219PowerMeter(chip, new Ina219Options(BusVoltageScale: 10), register, time);
        chip.SetLoad(22.0, 100.0 / 220.0);
        Assert.True(meter.TryRead(out _));

        for (var minute = 1; minute <= 3; minute++)
        {
            time.Advance(TimeSpan.FromSeconds(60));
            Assert.True(meter.TryRead(out var r), $"reading after minute {minute}");
            Assert.Equal(minute * 99.976 / 60, r.EnergyWh, 1e-3); // 1.666, 3.333, 4.999 Wh: no minute counted twice
            Assert.Equal(99.976, r.PowerW, 1e-3);
        }
        Assert.Equal(3, register.FailedWrites);
        Assert.False(File.Exists(path));

        // room again: the next write stores the true total
        File.Delete(dir.File("state"));
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(meter.TryRead(out _));
        Assert.Equal(4 * 99.976 / 60, new EnergyRegister(path).EnergyWh, 1e-3);
        Assert.Equal(3, register.FailedWrites);
        meter.Dispose(); // not at the end of a using: its final write would hide a failed assertion
    }

    [Fact]
    public void A_register_file_the_agent_may_not_replace_does_not_stop_the_meter()
    {
        // A folder where the register's temporary file goes: the write is refused (access denied), as where the agent's
        // user may not write. Before, that exception left the meter's TryRead and stopped the agent's control loop.
        // The reading must come back, with the minute counted once.
        using var dir = new TempDirectory();
        var path = dir.File("energy.wh");
        var register = new EnergyRegister(path);
        Directory.CreateDirectory(path + ".tmp");
        var time = new ManualTimeProvider();
        var chip = new Ina219Simulator();
        var meter = new Ina219PowerMeter(chip, new Ina219Options(BusVoltageScale: 10), register, time);
        chip.SetLoad(22.0, 100.0 / 220.0);
        Assert.True(meter.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(meter.TryRead(out var r));
        Assert.Equal(99.976 / 60, r.EnergyWh, 1e-3);
        Assert.Equal(1, register.FailedWrites);
        Directory.Delete(path + ".tmp");
        meter.Dispose();
    }

    [Fact]
    public void Recalibrates_after_a_chip_reset_and_reports_a_dead_bus()
    {
        using var dir = new TempDirectory();
        var chip = new Ina219Simulator();
        using var meter = new Ina219PowerMeter(chip, new Ina219Options(), new EnergyRegister(dir.File("e")), new ManualTimeProvider());
        chip.SetLoad(12.0, 1.0);
        chip.Reset();
        Assert.True(meter.TryRead(out var r));
        Assert.Equal(6710, chip.CalibrationRegister);
        Assert.Equal(12.0, r.PowerW, 0.01);

        chip.Unresponsive = true;
        Assert.False(meter.TryRead(out _));
    }

    [Fact]
    public void Overflow_is_not_a_reading()
    {
        using var dir = new TempDirectory();
        var chip = new Ina219Simulator();
        using var meter = new Ina219PowerMeter(chip, new Ina219Options(), new EnergyRegister(dir.File("e")), new ManualTimeProvider());
        chip.SetLoad(12.0, 5.0); // 0.5 V across the shunt, beyond ±320 mV
        Assert.False(meter.TryRead(out _));
    }
}
