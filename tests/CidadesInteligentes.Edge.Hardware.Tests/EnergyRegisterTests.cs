using Xunit;

namespace CidadesInteligentes.Edge.Hardware.Tests;

public sealed class EnergyRegisterTests
{
    [Fact]
    public void Survives_a_restart_and_never_goes_backwards()
    {
        using var dir = new TempDirectory();
        var path = dir.File("energy.wh");
        var register = new EnergyRegister(path, persistEveryWh: 10);
        register.AddPower(100, TimeSpan.FromMinutes(3)); // 5 Wh: below the persist step
        Assert.False(File.Exists(path));
        register.Add(6); // 11 Wh ≥ 10 → written
        Assert.Equal(11, new EnergyRegister(path).EnergyWh, 1e-9);

        register.Add(-50);
        register.Add(double.NaN);
        Assert.Equal(11, register.EnergyWh, 1e-9);
        register.Add(0.5);
        register.Flush();

        var reopened = new EnergyRegister(path);
        Assert.Equal(11.5, reopened.EnergyWh, 1e-9);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void A_damaged_file_stops_instead_of_restarting_from_zero()
    {
        using var dir = new TempDirectory();
        var path = dir.File("energy.wh");
        File.WriteAllText(path, "garbage");
        Assert.Throws<InvalidDataException>(() => new EnergyRegister(path));
    }
}
