using System.Collections.Concurrent;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class EndToEndTests
{
    [Fact]
    public async Task One_simulated_day_of_two_cities_reaches_the_broker_valid_ordered_and_believable()
    {
        var sink = new ValidatingSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        // the day before yesterday from 00:00 UTC, so every ts is in the validator's window (≤ 35 days old, not in the future)
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2), TimeSpan.Zero);
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 2,
            LuminairesPerCity = 5,
            HotspotsPerCity = 2,
            Start = start,
            Until = start.AddDays(1),
            Speed = 86_400 / 4.0, // a day in about 4 s
            TelemetryIntervalSeconds = 300,
            StepSeconds = 60,
            Seed = 3,
            Failures = FailureRates.None,
        };
        await using var fleet = new FleetSimulator(options);
        var result = await fleet.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Empty(sink.Invalid);
        Assert.Equal(0, result.Pending);
        Assert.Equal(result.Published, result.Acked);
        // 10 luminaires + 4 hotspots, one report every 5 min for 24 h (289 steps include both ends): ≥ 288 each
        var telemetry = sink.Sequenced.Where(m => m.Stream == "telemetry").GroupBy(m => m.Device).ToList();
        Assert.Equal(14, telemetry.Count);
        Assert.All(telemetry, g => Assert.InRange(g.Count(), 288, 289));

        foreach (var stream in sink.Sequenced.GroupBy(m => (m.Device, m.Stream)))
        {
            var seqs = stream.Select(m => m.Seq).ToList();
            Assert.Equal(1, seqs[0]);
            for (var i = 1; i < seqs.Count; i++)
            {
                Assert.True(seqs[i] > seqs[i - 1], $"{stream.Key}: seq {seqs[i]} after {seqs[i - 1]}");
            }
        }

        var lum = sink.Sequenced.Where(m => m.Payload is LuminaireTelemetry).ToList();
        Assert.Equal(10, lum.Select(m => m.Device).Distinct().Count());
        foreach (var device in lum.GroupBy(m => m.Device))
        {
            var readings = device.Select(m => (LuminaireTelemetry)m.Payload!).ToList();
            for (var i = 1; i < readings.Count; i++)
            {
                Assert.True(readings[i].EnergyWh >= readings[i - 1].EnergyWh, $"{device.Key}: energy went back");
                Assert.True(readings[i].BurnSeconds >= readings[i - 1].BurnSeconds, $"{device.Key}: burn time went back");
            }
            // São Paulo state in any season: local 01:00–04:00 (04–07 UTC) is night, 10:00–14:00 (13–17 UTC) is day
            Assert.All(readings.Where(r => r.Ts!.Value.Hour is >= 4 and < 7), r => Assert.True(r.LampOn, $"{device.Key} off at {r.Ts:o}"));
            Assert.All(readings.Where(r => r.Ts!.Value.Hour is >= 13 and < 17), r => Assert.False(r.LampOn, $"{device.Key} on at {r.Ts:o}"));
            // an 80 W LED (±3 %) dimmed to 50–100 % for ~11–13 h a night burns roughly 0.5–1.1 kWh
            var last = readings[^1];
            Assert.InRange(last.EnergyWh!.Value, 400, 1200);
            Assert.InRange(last.BurnSeconds!.Value, 10 * 3600, 14 * 3600);
        }

        var wifi = sink.Sequenced.Where(m => m.Payload is HotspotTelemetry).Select(m => (HotspotTelemetry)m.Payload!).ToList();
        Assert.All(wifi, w => Assert.True(w.BackhaulUp));
        Assert.True(wifi.Max(w => w.UniqueClientsToday) > 20);
        Assert.Contains(wifi, w => w.DownMbps is > 10);
        // at least one online birth per device, each valid
        Assert.True(sink.Statuses >= 14);
    }

    [Fact]
    public async Task Load_mode_with_injected_failures_stays_valid_and_shows_the_non_compliant_point()
    {
        var sink = new ValidatingSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-4), TimeSpan.Zero);
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 1,
            LuminairesPerCity = 8,
            HotspotsPerCity = 5,
            Start = start,
            Until = start.AddDays(3),
            LoadMode = true,
            Seed = 5,
            // lamp failures and supply losses often enough to appear in 3 days of 8 poles
            Failures = new FailureRates { NonCompliantWifi = 1, LampFailurePerDay = 0.2, SupplyLossPerDay = 0.5, LinkOutagePerDay = 1 },
        };
        await using var fleet = new FleetSimulator(options);
        var result = await fleet.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Empty(sink.Invalid);
        Assert.Equal(result.Published, result.Acked);
        foreach (var stream in sink.Sequenced.GroupBy(m => (m.Device, m.Stream)))
        {
            var seqs = stream.Select(m => m.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        }
        var events = sink.Sequenced.Where(m => m.Payload is DeviceEvent).Select(m => (m.Device, (DeviceEvent)m.Payload!)).ToList();
        Assert.Contains(events, e => e.Item2.Type == EventTypes.LampFailure && e.Item2.Active == true);
        Assert.Contains(events, e => e.Item2.Type == EventTypes.SupplyLoss && e.Item2.Active == true);
        Assert.Contains(events, e => e.Device == "bb-wifi-05" && e.Item2.Type == EventTypes.BackhaulDown);
        // the non-compliant point is down a large share of its reports, a normal one hardly ever
        double DownShare(string id)
        {
            var t = sink.Sequenced.Where(m => m.Device == id && m.Payload is HotspotTelemetry).Select(m => (HotspotTelemetry)m.Payload!).ToList();
            return t.Count(x => x.BackhaulUp == false) / (double)t.Count;
        }
        Assert.InRange(DownShare("bb-wifi-05"), 0.1, 0.6);
        Assert.True(DownShare("bb-wifi-01") < 0.05);
    }

    [Fact]
    public async Task A_broker_outage_longer_than_the_pending_bound_does_not_stop_the_fleet_clock()
    {
        var sink = new ValidatingSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2), TimeSpan.Zero);
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 1,
            LuminairesPerCity = 3,
            HotspotsPerCity = 1,
            Start = start,
            Until = start.AddHours(12),
            Speed = 86_400 / 2.0,
            TelemetryIntervalSeconds = 300,
            StepSeconds = 300,
            // the scheduler waits while the outboxes hold more than 2 per device: a 6 h outage queues ~72 each
            MaxPendingPerDevice = 2,
            Seed = 9,
            Failures = FailureRates.None,
        };
        await using var fleet = new FleetSimulator(options);
        fleet.Failures.BrokerOutage.Force(start, TimeSpan.FromHours(6));
        var result = await fleet.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(start.AddHours(12), result.SimulatedTime);
        Assert.Equal(0, result.Pending);
        Assert.Equal(result.Published, result.Acked);
        // what waited behind the outage arrived afterwards with its original timestamps, in seq order
        var lum = sink.Sequenced.Where(m => m.Payload is LuminaireTelemetry).GroupBy(m => m.Device).ToList();
        Assert.Equal(3, lum.Count);
        foreach (var device in lum)
        {
            var seqs = device.Select(m => m.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
            Assert.Contains(device, m => ((LuminaireTelemetry)m.Payload!).Ts < start.AddHours(6));
        }
        Assert.Empty(sink.Invalid);
    }

    private sealed record Received(string Device, string Stream, long Seq, object? Payload);

    private sealed class ValidatingSink : IBrokerMessageSink
    {
        private readonly ConcurrentQueue<Received> _sequenced = new();

        public ConcurrentQueue<string> Invalid { get; } = new();

        public IEnumerable<Received> Sequenced => _sequenced;

        public int Statuses;

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            var result = TelemetryValidator.Validate(message.Topic, message.Payload.Span, DateTimeOffset.UtcNow);
            if (!result.IsValid)
            {
                Invalid.Enqueue(message.Topic + ": " + result.Describe());
            }
            else if (result.Seq is { } seq)
            {
                var stream = TopicName.StreamText(result.Topic.Stream);
                _sequenced.Enqueue(new Received(result.Topic.Device, stream, seq, result.Payload));
            }
            else
            {
                Interlocked.Increment(ref Statuses);
            }
            return ValueTask.FromResult(ReasonCodes.Success);
        }
    }
}
