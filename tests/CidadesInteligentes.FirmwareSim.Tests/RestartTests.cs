using System.Collections.Concurrent;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

/// <summary>A second run with the same <c>--Fleet:DataDirectory</c> is the same devices restarted (telemetry contract: seq persisted across restarts).</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ci-sim-restart-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_restarted_fleet_continues_every_device_stream_instead_of_reusing_seqs()
    {
        var sink = new Sink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-3), TimeSpan.Zero);
        await RunAsync(broker.Port, start, start.AddHours(12));
        var first = sink.Take();
        await RunAsync(broker.Port, start.AddHours(12).AddMinutes(5), start.AddHours(24));
        var second = sink.Take();

        Assert.Empty(sink.Invalid);
        Assert.NotEmpty(second);
        foreach (var stream in second.GroupBy(m => (m.Device, m.Stream)))
        {
            var before = first.Where(m => m.Device == stream.Key.Device && m.Stream == stream.Key.Stream).Select(m => m.Seq).DefaultIfEmpty(0).Max();
            Assert.True(stream.Min(m => m.Seq) > before, $"{stream.Key}: seq {stream.Min(m => m.Seq)} after the restart, {before} before it");
        }
    }

    [Fact]
    public async Task A_restart_that_would_replay_time_the_devices_already_reported_is_refused()
    {
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 });
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-3), TimeSpan.Zero);
        await RunAsync(broker.Port, start, start.AddHours(2));
        // the same command again, or a start at the last step: the same readings twice under new seqs
        foreach (var again in new[] { start, start.AddHours(2) })
        {
            var e = Assert.Throws<InvalidDataException>(() => new FleetSimulator(new FleetOptions { MqttPort = broker.Port, Cities = 1, LuminairesPerCity = 3, HotspotsPerCity = 2, Start = again, DataDirectory = _data }));
            Assert.Contains("--Clock:Start", e.Message, StringComparison.Ordinal);
        }
        await using var later = new FleetSimulator(new FleetOptions { MqttPort = broker.Port, Cities = 1, LuminairesPerCity = 3, HotspotsPerCity = 2, Start = start.AddHours(2).AddMinutes(1), DataDirectory = _data });
    }

    [Fact]
    public void After_a_crash_without_flush_the_next_run_skips_ahead_instead_of_reusing_seqs()
    {
        Directory.CreateDirectory(_data);
        var file = Path.Combine(_data, "seq.txt");
        var outbox = new GatedOutbox(new Edge.Core.Agents.MemoryOutbox(100, GatedOutbox.ReadSeqs(file)), file);
        for (var i = 0; i < 3; i++)
        {
            outbox.Enqueue("telemetry", "t", DateTimeOffset.UtcNow, _ => new byte[1]);
        }
        // no Flush: the process died
        var again = new GatedOutbox(new Edge.Core.Agents.MemoryOutbox(100, GatedOutbox.ReadSeqs(file)), file);
        Assert.True(again.Enqueue("telemetry", "t", DateTimeOffset.UtcNow, _ => new byte[1]).Seq > 3);
        again.Flush();
        var clean = new GatedOutbox(new Edge.Core.Agents.MemoryOutbox(100, GatedOutbox.ReadSeqs(file)), file);
        Assert.Equal(GatedOutbox.SeqBlock + 2, clean.Enqueue("telemetry", "t", DateTimeOffset.UtcNow, _ => new byte[1]).Seq);
    }

    [Fact]
    public async Task A_restarted_luminaire_keeps_its_burn_counter()
    {
        var sink = new Sink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-3), TimeSpan.Zero);
        await RunAsync(broker.Port, start, start.AddHours(12));
        var first = sink.Take();
        await RunAsync(broker.Port, start.AddHours(12).AddMinutes(5), start.AddHours(24));
        var second = sink.Take();

        foreach (var device in second.Where(m => m.Payload is LuminaireTelemetry).GroupBy(m => m.Device))
        {
            var last = first.Where(m => m.Device == device.Key && m.Payload is LuminaireTelemetry).Select(m => (LuminaireTelemetry)m.Payload!).MaxBy(t => t.Ts)!;
            var next = device.Select(m => (LuminaireTelemetry)m.Payload!).MinBy(t => t.Ts)!;
            Assert.True(next.BurnSeconds >= last.BurnSeconds, $"{device.Key}: burn {next.BurnSeconds} s after the restart, {last.BurnSeconds} s before");
            Assert.True(next.EnergyWh >= last.EnergyWh, $"{device.Key}: energy {next.EnergyWh} Wh after the restart, {last.EnergyWh} Wh before");
        }
    }

    private async Task RunAsync(int port, DateTimeOffset start, DateTimeOffset until)
    {
        var options = new FleetOptions
        {
            MqttPort = port,
            Cities = 1,
            LuminairesPerCity = 3,
            HotspotsPerCity = 2,
            Start = start,
            Until = until,
            LoadMode = true,
            TelemetryIntervalSeconds = 900,
            DataDirectory = _data,
            Seed = 4,
            Failures = FailureRates.None with { BackhaulOutagePerDay = 20 },
        };
        await using var fleet = new FleetSimulator(options);
        await fleet.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
    }

    private sealed record Received(string Device, string Stream, long Seq, object? Payload);

    private sealed class Sink : IBrokerMessageSink
    {
        private ConcurrentQueue<Received> _received = new();

        public ConcurrentQueue<string> Invalid { get; } = new();

        public List<Received> Take() => [.. Interlocked.Exchange(ref _received, new ConcurrentQueue<Received>())];

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            var result = TelemetryValidator.Validate(message.Topic, message.Payload.Span, DateTimeOffset.UtcNow);
            if (!result.IsValid)
            {
                Invalid.Enqueue(message.Topic + ": " + result.Describe());
            }
            else if (result.Seq is { } seq)
            {
                _received.Enqueue(new Received(result.Topic.Device, TopicName.StreamText(result.Topic.Stream), seq, result.Payload));
            }
            return ValueTask.FromResult(ReasonCodes.Success);
        }
    }
}
