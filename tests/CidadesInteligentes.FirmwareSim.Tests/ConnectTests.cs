using System.Net;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class ConnectTests
{
    [Fact]
    public async Task Devices_the_broker_refuses_stop_the_run_with_their_ids_instead_of_a_silent_hang()
    {
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, authenticator: new Refuse("bb-lum-000002"));
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1), TimeSpan.Zero);
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 1,
            LuminairesPerCity = 3,
            HotspotsPerCity = 1,
            Start = start,
            Until = start.AddHours(1),
            LoadMode = true,
            Failures = FailureRates.None,
        };
        await using var fleet = new FleetSimulator(options);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => fleet.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("bb-lum-000002", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bb-lum-000001", e.Message, StringComparison.Ordinal);
    }

    private sealed class Refuse(string id) : IBrokerAuthenticator
    {
        public ValueTask<byte> AuthenticateAsync(ConnectPacket connect, EndPoint? remote, CancellationToken ct) =>
            ValueTask.FromResult(connect.ClientId == id ? ReasonCodes.BadUserNameOrPassword : ReasonCodes.Success);
    }
}
