using System.Collections.Concurrent;
using CidadesInteligentes.Cloud.Domain.Fleet;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class LiveTests
{
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task After_an_hourly_replay_catches_up_the_devices_report_at_the_live_interval_and_stay_online()
    {
        // the demo's shape: hourly readings replayed unpaced, then `--Clock:Until live` with a cloud whose heartbeat
        // timeout is shorter than the replay interval (300 s vs 3600 s there; 4 s vs 3600 s here)
        var sink = new HeartbeatSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var liveFrom = DateTimeOffset.UtcNow;
        using var cts = new CancellationTokenSource();
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 1,
            LuminairesPerCity = 3,
            HotspotsPerCity = 1,
            Start = liveFrom.AddHours(-3),
            Live = true,
            Speed = double.PositiveInfinity,
            TelemetryIntervalSeconds = 3600,
            LiveTelemetryIntervalSeconds = 1,
            Seed = 4,
            Failures = FailureRates.None,
        };
        await using var fleet = new FleetSimulator(options);
        var devices = fleet.Luminaires.Count + fleet.Hotspots.Count;
        var health = new FleetHealthOptions { HeartbeatTimeout = HeartbeatTimeout };
        var run = fleet.RunAsync(cts.Token);
        try
        {
            // watch the fleet as the cloud's sweep would, until every device has reported live for 3 heartbeat timeouts
            DeviceHealth? offline = null;
            await Wait.UntilAsync(() =>
            {
                var seen = sink.Snapshots();
                if (seen.Count == devices)
                {
                    offline ??= FleetHealth.Evaluate(seen, DateTimeOffset.UtcNow, health).Devices.FirstOrDefault(d => !d.Online);
                }
                return offline is not null || (sink.LiveSpan(liveFrom) is { } span && span >= 3 * HeartbeatTimeout && sink.LiveDevices(liveFrom) == devices);
            }, "every device reporting live for 3 heartbeat timeouts (or one going offline)", TimeSpan.FromSeconds(60));
            Assert.True(offline is null, $"{offline?.Id} offline since {offline?.OfflineSince:o} ({offline?.Cause}) with a {HeartbeatTimeout.TotalSeconds} s heartbeat timeout");
        }
        finally
        {
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        // live readings come every second of device time, each device on its own phase, with nothing skipped
        foreach (var (device, stamps) in sink.LiveTelemetry(liveFrom))
        {
            Assert.True(stamps.Count >= 10, $"{device}: {stamps.Count} live readings");
            for (var i = 1; i < stamps.Count; i++)
            {
                Assert.Equal(TimeSpan.FromSeconds(1), stamps[i] - stamps[i - 1]);
            }
        }
        // the replay before it kept its hourly interval: 3 h gave each device at most 4 readings
        Assert.All(sink.ReplayTelemetryCounts(liveFrom), c => Assert.InRange(c, 1, 4));
    }

    [Theory]
    // replay 3600 s in 300 s steps has 12 phases; live 60 s in 10 s steps has 6: phase 1500 s = 5/12 of the hour,
    // 5/12 × 6 = 2.5 → the 3rd live slot, 20 s
    [InlineData(1500, 3600, 10, 60, 20)]
    [InlineData(0, 3600, 10, 60, 0)]
    [InlineData(3300, 3600, 10, 60, 50)] // the last replay phase (11/12 × 6 = 5.5) → the last live slot
    [InlineData(3300, 3600, 60, 60, 0)] // one live step per interval: everyone reports together, as a 60 s run does
    public void A_device_keeps_its_place_in_the_interval_when_the_run_goes_live(int replayPhaseS, int replayIntervalS, int liveStepS, int liveIntervalS, int expectedS)
    {
        var phase = FleetSimulator.LivePhase(TimeSpan.FromSeconds(replayPhaseS), TimeSpan.FromSeconds(replayIntervalS),
            TimeSpan.FromSeconds(liveStepS), TimeSpan.FromSeconds(liveIntervalS));
        Assert.Equal(TimeSpan.FromSeconds(expectedS), phase);
    }

    /// <summary>What the cloud's fleet view keeps per device (receive time of every message, retained status), plus telemetry stamps.</summary>
    private sealed class HeartbeatSink : IBrokerMessageSink
    {
        private readonly ConcurrentDictionary<string, DeviceSnapshot> _devices = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<(string Device, DateTimeOffset Ts, DateTimeOffset ReceivedAt)> _telemetry = new();

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            var now = DateTimeOffset.UtcNow;
            var result = TelemetryValidator.Validate(message.Topic, message.Payload.Span, now);
            if (result.IsValid)
            {
                var topic = result.Topic;
                _devices.AddOrUpdate(topic.Device,
                    _ => Seen(new DeviceSnapshot(topic.Device, topic.City, TopicName.KindText(topic.Kind), null, null, null, null, null), result.Payload, now),
                    (_, d) => Seen(d, result.Payload, now));
                if (result.Payload is LuminaireTelemetry or HotspotTelemetry)
                {
                    _telemetry.Enqueue((topic.Device, result.Ts!.Value, now));
                }
            }
            return ValueTask.FromResult(ReasonCodes.Success);
        }

        public IReadOnlyList<DeviceSnapshot> Snapshots() => [.. _devices.Values];

        /// <summary>Real time between the first and the last live reading received (null before any).</summary>
        public TimeSpan? LiveSpan(DateTimeOffset liveFrom)
        {
            var live = _telemetry.Where(m => m.Ts >= liveFrom).Select(m => m.ReceivedAt).ToList();
            return live.Count == 0 ? null : live.Max() - live.Min();
        }

        public int LiveDevices(DateTimeOffset liveFrom) => _telemetry.Where(m => m.Ts >= liveFrom).Select(m => m.Device).Distinct().Count();

        public IEnumerable<(string Device, List<DateTimeOffset> Stamps)> LiveTelemetry(DateTimeOffset liveFrom) =>
            _telemetry.Where(m => m.Ts >= liveFrom).GroupBy(m => m.Device).Select(g => (g.Key, g.Select(m => m.Ts).Order().ToList()));

        public IEnumerable<int> ReplayTelemetryCounts(DateTimeOffset liveFrom) =>
            _telemetry.Where(m => m.Ts < liveFrom).GroupBy(m => m.Device).Select(g => g.Count());

        private static DeviceSnapshot Seen(DeviceSnapshot d, object? payload, DateTimeOffset now) => payload is DeviceStatus s
            ? d with { Status = s.State, StatusAt = now, StatusReason = s.Reason, LastSeen = now }
            : d with { LastSeen = now };
    }
}
