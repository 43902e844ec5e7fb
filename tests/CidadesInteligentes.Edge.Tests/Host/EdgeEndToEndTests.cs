using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>The built agent with simulated hardware against a real Mosquitto.</summary>
public sealed class EdgeEndToEndTests : IDisposable
{
    private const string Device = "sc-lum-e2e01";
    private const string Prefix = "ci/v1/3548906/luminaire/" + Device + "/";
    private readonly string _state = ServerProcess.CreateTempDirectory("edge-e2e");
    private readonly ConcurrentQueue<(string Topic, byte[] Payload)> _received = new();

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task Publishes_valid_telemetry_round_trips_a_command_and_delivers_the_outage_backlog_in_order()
    {
        MosquittoServer? broker = await MosquittoServer.StartAsync();
        MosquittoServer? stopped = null;
        var brokerDir = broker.Directory;
        var port = broker.Port;
        // A persistent-session observer, so that what the agent publishes while we reconnect is queued for us.
        await using var observer = new MqttClient(new MqttClientOptions
        {
            Port = port,
            ClientId = "observer-" + Guid.NewGuid().ToString("N")[..8],
            CleanStart = false,
            SessionExpirySeconds = 3600,
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        });
        await observer.ConnectAsync();
        await observer.SubscribeAsync(Prefix + "#", 1);
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var m in observer.Messages.ReadAllAsync(cts.Token))
            {
                _received.Enqueue((m.Topic, m.Payload.ToArray()));
            }
        });

        using var edge = new EdgeChild([
            "run", "--config", Path.Combine(_state, "none.json"),
            "--Device:Id", Device, "--Device:City", "3548906", "--Device:Kind", "luminaire",
            "--Device:Latitude", "-22.0175", "--Device:Longitude", "-47.8908", "--Device:StateDirectory", _state,
            "--Mqtt:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Mqtt:Password", "test-secret-0123456789",
            "--Hardware:Mode", "Simulated", "--Telemetry:IntervalSeconds", "1", "--Outbox:DrainPerSecond", "200",
        ]);
        try
        {
            // Birth status (retained) and valid telemetry every second.
            await Wait.UntilAsync(() => Statuses().Any(s => s.State == "online"), "online status\n" + edge.Output, TimeSpan.FromSeconds(30));
            await Wait.UntilAsync(() => Telemetry().Count >= 3, "3 telemetry messages\n" + edge.Output, TimeSpan.FromSeconds(30));
            var first = Telemetry()[0];
            Assert.Equal(1, first.Seq);
            Assert.True(first.EnergyWh >= 0 && first.UptimeS >= 0 && first.BurnSeconds >= 0);

            // Command → ack with its id; the override shows in the next telemetry.
            var id = Guid.NewGuid().ToString();
            await observer.PublishAsync(Prefix + "cmd",
                $$"""{"v":1,"id":"{{id}}","ts":"{{DateTimeOffset.UtcNow:O}}","type":"setOverride","dimPercent":40,"durationS":600}""");
            await Wait.UntilAsync(() => Acks().Any(a => a.Id == id), "command ack\n" + edge.Output, TimeSpan.FromSeconds(20));
            Assert.Equal(CommandResults.Ok, Acks().Single(a => a.Id == id).Result);
            await Wait.UntilAsync(() => Telemetry().Any(t => t is { LampOn: true, DimPercent: 40 }), "telemetry at 40 %", TimeSpan.FromSeconds(20));

            // Outage: the broker stops (SIGTERM, so it saves our observer's session) for 5 s and comes back on the same port.
            var beforeOutage = Telemetry().Max(t => t.Seq!.Value);
            var stoppedAt = DateTimeOffset.UtcNow;
            EdgeChild.Terminate(broker.ProcessId);
            await Wait.UntilAsync(() => broker.HasExited, "mosquitto exit");
            await Task.Delay(TimeSpan.FromSeconds(5));
            var restartedAt = DateTimeOffset.UtcNow;
            stopped = broker; // disposing it would delete the directory the restarted broker reuses
            broker = null;
            broker = await MosquittoServer.StartAsync(port: port, directory: brokerDir);
            await Wait.UntilAsync(() => Telemetry().Count(t => t.Ts >= restartedAt.AddSeconds(2)) >= 2,
                "telemetry after the outage\n" + edge.Output, TimeSpan.FromSeconds(60));

            var telemetry = Telemetry();
            var seqs = telemetry.Select(t => t.Seq!.Value).ToList();
            var distinct = seqs.Distinct().ToList();
            // Every seq from 1 to the last arrived (none lost), first arrivals in order; a resend after the
            // reconnect may repeat a seq, which the cloud stores once.
            Assert.Equal(Enumerable.Range(1, distinct.Count).Select(i => (long)i), distinct);
            Assert.True(distinct.Max() > beforeOutage + 4, $"backlog: {beforeOutage} before, {distinct.Max()} now");
            Assert.Contains(telemetry, t => t.Ts > stoppedAt.AddSeconds(1) && t.Ts < restartedAt);

            // Birth again on the reconnect: a second retained online status, stamped after the stop (the agent could
            // not publish while the broker was down), and it is what the broker now keeps for newcomers.
            await Wait.UntilAsync(() => Statuses().Any(s => s.State == "online" && s.Ts > stoppedAt), "online status after the reconnect\n" + edge.Output,
                TimeSpan.FromSeconds(30));
            Assert.True(Statuses().Count(s => s.State == "online") >= 2, "one online status per connection");
            await using (var newcomer = new MqttClient(new MqttClientOptions { Port = port, ClientId = "newcomer-" + Guid.NewGuid().ToString("N")[..8] }))
            {
                await newcomer.ConnectAsync();
                await newcomer.SubscribeAsync(Prefix + "status", 1);
                var retained = await Wait.ForAsync(newcomer.Messages.ReadAsync().AsTask(), "the retained status", TimeSpan.FromSeconds(10));
                Assert.True(retained.Retain);
                var kept = JsonSerializer.Deserialize(retained.Payload.Span, TelemetryJson.Default.DeviceStatus)!;
                Assert.Equal("online", kept.State);
                Assert.True(kept.Ts > stoppedAt, $"retained status of {kept.Ts:O}, broker stopped at {stoppedAt:O}");
            }

            // Clean stop: offline status with reason shutdown.
            Assert.Equal(0, edge.Stop(TimeSpan.FromSeconds(30)));
            await Wait.UntilAsync(() => Statuses().Any(s => s is { State: "offline", Reason: "shutdown" }), "shutdown status\n" + edge.Output);
        }
        finally
        {
            await cts.CancelAsync();
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
            if (stopped is not null)
            {
                await stopped.DisposeAsync();
            }
        }
    }

    private List<T> Parse<T>(string stream, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        var result = new List<T>();
        foreach (var (topic, payload) in _received.ToArray())
        {
            if (topic == Prefix + stream)
            {
                if (stream != "status")
                {
                    var v = TelemetryValidator.Validate(topic, payload, DateTimeOffset.UtcNow);
                    Assert.True(v.IsValid, topic + " " + Encoding.UTF8.GetString(payload) + ": " + v.Describe());
                }
                result.Add(JsonSerializer.Deserialize(payload, info)!);
            }
        }
        return result;
    }

    private List<LuminaireTelemetry> Telemetry() => Parse("telemetry", TelemetryJson.Default.LuminaireTelemetry);

    private List<CommandAck> Acks() => Parse("cmd/ack", TelemetryJson.Default.CommandAck);

    private List<DeviceStatus> Statuses() => Parse("status", TelemetryJson.Default.DeviceStatus);
}
