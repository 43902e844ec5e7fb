using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

/// <summary>
/// LGPD: a hotspot agent reading the iw / hostapd_cli fixtures (through a real process) publishes, logs and stores no
/// MAC address in any spelling and no hash, while still counting its clients.
/// </summary>
public sealed partial class HotspotPrivacyTests : IDisposable
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "hotspot-privacy-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    [GeneratedRegex("(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}")]
    private static partial Regex MacPattern();

    [GeneratedRegex("[0-9a-fA-F]{32,}")]
    private static partial Regex HashPattern();

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue("scope " + state);
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {formatter(state, exception)} {values} {exception}");
        }
    }

    /// <summary>Every common spelling of a MAC: aa:bb:.., AA-BB-.., aabbcc.., aabb.ccdd.eeff, each in both cases.</summary>
    internal static IEnumerable<string> Spellings(string mac)
    {
        var hex = new string(mac.Where(char.IsAsciiHexDigit).ToArray()).ToLowerInvariant();
        var pairs = Enumerable.Range(0, 6).Select(i => hex.Substring(i * 2, 2)).ToList();
        var quads = Enumerable.Range(0, 3).Select(i => hex.Substring(i * 4, 4)).ToList();
        foreach (var s in new[] { string.Join(':', pairs), string.Join('-', pairs), hex, string.Join('.', quads) })
        {
            yield return s;
            yield return s.ToUpperInvariant();
        }
    }

    [Theory]
    [InlineData("iw-station-dump.txt", "iw")]
    [InlineData("hostapd-all-sta.txt", "hostapd")]
    public async Task Agent_publishes_logs_and_stores_no_MAC_or_hash_and_still_counts_clients(string fixture, string tool)
    {
        var fixturePath = StationParserTests.Fixture(fixture);
        var macs = MacPattern().Matches(File.ReadAllText(fixturePath)).Select(m => m.Value.ToLowerInvariant()).Distinct().ToList();
        Assert.Equal(3, macs.Count); // two associated stations, one only authenticated
        Func<string, IReadOnlyList<WifiStation>> parse = tool == "iw" ? IwStationDumpParser.Parse : HostapdAllStaParser.Parse;
        Assert.True(File.Exists("/bin/cat"), "/bin/cat is missing: the station command cannot be run");
        var stations = new CommandStationSource("/bin/cat", [fixturePath], parse); // prints the fixture as iw / hostapd_cli would

        await using var broker = await MosquittoServer.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var portal = new LoopbackHttpServer();
        portal.Route("/generate_204", 204, []);
        using var http = new HttpClient();
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 20, 15, 0, 0, TimeSpan.FromHours(-3)));
        using var unique = new UniqueClientCounter(time);
        var probeTimeout = TimeSpan.FromSeconds(5);
        var sampler = new HotspotSampler(
            new HotspotSamplerSettings([new ProbeTarget("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port)], portal.Url("/generate_204"),
                PortalExpectedStatus: 204, DnsNames: ["localhost"]),
            stations, new WanCounterReader("eth0", _stateDirectory), unique,
            new HotspotProbes(new TcpProbe(TimeProvider.System, probeTimeout), new CaptivePortalProbe(http), new ThroughputProbe(http, TimeProvider.System),
                new DnsProbe(TimeProvider.System, probeTimeout)),
            () => 60, time);
        var identity = new DeviceIdentity("sc-wifi-09", "3548906", DeviceKind.Hotspot, "2.0.0");
        var logLines = new ConcurrentQueue<string>();
        var received = new ConcurrentQueue<(string Topic, byte[] Payload)>();
        await using var observer = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "observer-privacy-" + tool });
        await observer.ConnectAsync();
        await observer.SubscribeAsync("ci/v1/3548906/hotspot/sc-wifi-09/#", 1);
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var m in observer.Messages.ReadAllAsync(cts.Token))
            {
                received.Enqueue((m.Topic, m.Payload.ToArray()));
            }
        });

        const int Reports = 3;
        using (var outbox = new DurableOutboxAdapter(new DurableOutbox(new OutboxOptions(Path.Combine(_stateDirectory, "outbox")), TimeProvider.System)))
        {
            var agent = new HotspotAgent(identity, outbox, new HotspotSamplerSource(sampler), time);
            await using var uplink = new Uplink(agent, new UplinkOptions("127.0.0.1", broker.Port, "secret-not-checked-here") { DrainPerSecond = 1000 },
                logger: new CapturingLogger(logLines));
            await uplink.StartAsync(CancellationToken.None);
            for (var i = 0; i < Reports; i++)
            {
                time.Advance(TimeSpan.FromSeconds(60));
                await sampler.ProbeBackhaulAsync(CancellationToken.None);
                await agent.ReportAsync(runThroughput: false, CancellationToken.None);
                uplink.Nudge();
            }
            await observer.PublishAsync(identity.Topic(TopicStream.Command), "not json");
            await Wait.UntilAsync(() => !logLines.IsEmpty, "the uplink logged the rejected command");
            agent.HandleCommand(new DeviceCommand { V = 1, Id = Guid.NewGuid().ToString(), Type = CommandTypes.RequestStatus });
            uplink.Nudge();
            await Wait.UntilAsync(() => outbox.PendingCount == 0 && received.Count(r => r.Topic.EndsWith("/telemetry", StringComparison.Ordinal)) >= Reports + 1,
                "telemetry published and acknowledged");
            await uplink.StopAsync(TimeSpan.FromSeconds(2));
            outbox.Inner.Flush();
        }
        await Wait.UntilAsync(() => received.Any(r => r.Topic.EndsWith("/status", StringComparison.Ordinal)
            && JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.DeviceStatus)!.Reason == "shutdown"), "shutdown status");
        await cts.CancelAsync();

        var telemetry = received.Where(r => r.Topic.EndsWith("/telemetry", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.HotspotTelemetry)!).ToList();
        Assert.Equal(Reports + 1, telemetry.Count);
        Assert.All(telemetry, t => Assert.Equal((2, 2, true), (t.Clients, t.UniqueClientsToday, t.BackhaulUp)));

        var texts = new List<(string Where, string Text)>();
        texts.AddRange(received.Select(r => ("payload on " + r.Topic, Encoding.UTF8.GetString(r.Payload))));
        texts.AddRange(logLines.Select(l => ("log", l)));
        var files = Directory.GetFiles(_stateDirectory, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        texts.AddRange(files.Select(f => ("file " + f, Encoding.Latin1.GetString(File.ReadAllBytes(f)))));
        Assert.Contains(texts, t => t.Where.StartsWith("payload", StringComparison.Ordinal));
        foreach (var (where, text) in texts)
        {
            foreach (var spelling in macs.SelectMany(Spellings))
            {
                Assert.False(text.Contains(spelling, StringComparison.Ordinal), $"{where} contains MAC spelling {spelling}");
            }
            Assert.False(HashPattern().IsMatch(text), $"{where} contains a 32+ hex-digit run: {HashPattern().Match(text).Value}");
        }
    }
}
