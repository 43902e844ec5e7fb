using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Fleet;

/// <summary>The fleet view's devices of one city (the device pages, counts and map read it) follow registration, moves and removals.</summary>
public sealed class FleetCityIndexTests
{
    private const string SaoCarlos = "3548906", Araraquara = "3503208";
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    private static string[] Ids(FleetState fleet, string city) => [.. fleet.DevicesIn(city).Select(d => d.Id).Order(StringComparer.Ordinal)];

    private static void Report(FleetState fleet, string city, string device, DateTimeOffset at) =>
        fleet.Apply(new TopicName(city, DeviceKind.Luminaire, device, TopicStream.Telemetry),
            new LuminaireTelemetry { V = 1, Seq = at.ToUnixTimeSeconds(), Ts = at, EnergyWh = 1, PowerW = 55, VoltageV = 228, DimPercent = 100, LampOn = true }, at);

    [Fact]
    public void A_device_is_listed_under_its_city_only_and_leaves_it_when_moved_or_taken_out_of_the_registry()
    {
        var fleet = new FleetState(TimeSpan.FromSeconds(180));
        fleet.Register("sc-lum-000001", SaoCarlos, "luminaire", -22.0, -47.9, null);
        fleet.Register("sc-lum-000002", SaoCarlos, "luminaire", -22.0, -47.9, null);
        // reports from Araraquara before the registry knows it
        Report(fleet, Araraquara, "ar-lum-000001", T0);
        Assert.Equal(["sc-lum-000001", "sc-lum-000002"], Ids(fleet, SaoCarlos));
        Assert.Equal(["ar-lum-000001"], Ids(fleet, Araraquara));
        Assert.True(fleet.HasDevicesIn(Araraquara));
        Assert.False(fleet.HasDevicesIn("3550308"));
        Assert.Empty(fleet.DevicesIn("3550308"));

        // the registry puts it in São Carlos: listed there, no longer in Araraquara
        fleet.Register("ar-lum-000001", SaoCarlos, "luminaire", -22.0, -47.9, null);
        Assert.Equal(["ar-lum-000001", "sc-lum-000001", "sc-lum-000002"], Ids(fleet, SaoCarlos));
        Assert.Empty(Ids(fleet, Araraquara));

        // taken out of the registry: gone; reporting again, listed again (under the city it reports from)
        fleet.Unregister(new HashSet<string>(["sc-lum-000001", "ar-lum-000001"], StringComparer.Ordinal), T0.AddMinutes(1));
        Assert.Equal(["ar-lum-000001", "sc-lum-000001"], Ids(fleet, SaoCarlos));
        Report(fleet, SaoCarlos, "sc-lum-000002", T0.AddMinutes(2));
        Assert.Equal(["ar-lum-000001", "sc-lum-000001", "sc-lum-000002"], Ids(fleet, SaoCarlos));
        Assert.Equal(fleet.Devices.Select(d => d.Id).Order(StringComparer.Ordinal), Ids(fleet, SaoCarlos));
    }
}
