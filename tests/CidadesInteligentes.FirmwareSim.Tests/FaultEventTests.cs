using System.Collections.Concurrent;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class FaultEventTests
{
    [Fact]
    public async Task Every_day_burning_luminaire_raises_lampUnexpectedOn()
    {
        var events = new ConcurrentQueue<(string Device, DeviceEvent Event)>();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: new EventSink(events));
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2), TimeSpan.Zero);
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 1,
            LuminairesPerCity = 12,
            HotspotsPerCity = 0,
            Start = start,
            Until = start.AddDays(1),
            LoadMode = true,
            StepSeconds = 60,
            Seed = 8,
            Failures = FailureRates.None,
        };
        await using var fleet = new FleetSimulator(options);
        // welded relays from local 09:00 to 15:00 (12–18 UTC): broad daylight in São Paulo state in any season
        foreach (var l in fleet.Luminaires)
        {
            fleet.Failures.DayBurning(l.Spec.Id).Force(start.AddHours(12), TimeSpan.FromHours(6));
        }
        await fleet.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        var raised = events.Where(e => e.Event.Type == EventTypes.LampUnexpectedOn && e.Event.Active == true).Select(e => e.Device).Distinct().Order().ToList();
        Assert.Equal(fleet.Luminaires.Select(l => l.Spec.Id).Order(), raised);
    }

    private sealed class EventSink(ConcurrentQueue<(string, DeviceEvent)> events) : IBrokerMessageSink
    {
        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            var result = TelemetryValidator.Validate(message.Topic, message.Payload.Span, DateTimeOffset.UtcNow);
            if (result.IsValid && result.Payload is DeviceEvent e)
            {
                events.Enqueue((result.Topic.Device, e));
            }
            return ValueTask.FromResult(ReasonCodes.Success);
        }
    }
}
