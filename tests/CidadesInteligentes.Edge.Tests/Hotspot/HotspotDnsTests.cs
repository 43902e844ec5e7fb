using System.Net;
using System.Net.Sockets;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

/// <summary>The DNS probe on the real sampling path: only loopback, <c>localhost</c> resolves from /etc/hosts.</summary>
public sealed class HotspotDnsTests
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private sealed class NoStations : IStationSource
    {
        public Task<IReadOnlyList<WifiStation>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<WifiStation>>([]);
    }

    private static async Task<(HotspotTelemetry Telemetry, List<DeviceEvent> Events, string? Cause)> SampleWithDnsAsync(params string[] names)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0); // the TCP backhaul target answers
        listener.Start();
        await using var portal = new LoopbackHttpServer();
        portal.Route("/generate_204", 204, []);
        using var http = new HttpClient();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var unique = new UniqueClientCounter(time);
        var settings = new HotspotSamplerSettings([new ProbeTarget("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port)],
            portal.Url("/generate_204"), PortalExpectedStatus: 204, DnsNames: names);
        var probes = new HotspotProbes(new TcpProbe(TimeProvider.System, ProbeTimeout), new CaptivePortalProbe(http),
            new ThroughputProbe(http, TimeProvider.System), new DnsProbe(TimeProvider.System, ProbeTimeout));
        var sampler = new HotspotSampler(settings, new NoStations(), new WanCounterReader("eth0", Path.GetTempPath()), unique, probes, () => 60, time);
        var outbox = new MemoryOutbox();
        var agent = new HotspotAgent(new DeviceIdentity("sc-wifi-05", "3548906", DeviceKind.Hotspot, "2.0.0"), outbox, new HotspotSamplerSource(sampler), time);

        await agent.ReportAsync(runThroughput: false, CancellationToken.None);

        var telemetry = outbox.Peek(100).Where(m => m.Stream == OutboxStreams.Telemetry)
            .Select(m => System.Text.Json.JsonSerializer.Deserialize(m.Payload.Span, TelemetryJson.Default.HotspotTelemetry)!).Single();
        var events = outbox.Peek(100).Where(m => m.Stream == OutboxStreams.Event)
            .Select(m => System.Text.Json.JsonSerializer.Deserialize(m.Payload.Span, TelemetryJson.Default.DeviceEvent)!).ToList();
        return (telemetry, events, sampler.BackhaulDownCause);
    }

    [Fact]
    public async Task Backhaul_is_up_when_the_configured_name_resolves()
    {
        var (telemetry, events, cause) = await SampleWithDnsAsync("localhost");

        Assert.True(telemetry.BackhaulUp);
        Assert.Equal(0, telemetry.LossPercent);
        Assert.Null(cause);
        Assert.Empty(events);
    }

    [Fact]
    public async Task Backhaul_is_down_with_a_DNS_cause_when_no_name_resolves_although_TCP_answers()
    {
        var (telemetry, events, cause) = await SampleWithDnsAsync("nowhere.invalid");

        Assert.False(telemetry.BackhaulUp);
        Assert.Equal(0, telemetry.LossPercent); // the TCP target itself answered
        Assert.Equal("DNS did not resolve nowhere.invalid", cause);
        var down = Assert.Single(events);
        Assert.Equal((EventTypes.BackhaulDown, true, "DNS did not resolve nowhere.invalid"), (down.Type, down.Active, down.Detail));
    }

    [Fact]
    public async Task One_resolving_name_of_several_keeps_the_backhaul_up()
    {
        var (telemetry, _, cause) = await SampleWithDnsAsync("nowhere.invalid", "localhost");

        Assert.True(telemetry.BackhaulUp);
        Assert.Null(cause);
    }

    [Fact]
    public async Task Invalid_names_fail_without_asking_the_resolver()
    {
        var asked = 0;
        var probe = new DnsProbe(TimeProvider.System, ProbeTimeout, (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(new[] { IPAddress.Loopback });
        });

        Assert.False((await probe.RunAsync("nowhere.invalid", CancellationToken.None)).Resolved);
        Assert.False((await probe.RunAsync("INVALID.", CancellationToken.None)).Resolved);
        Assert.True((await probe.RunAsync("invalid.example", CancellationToken.None)).Resolved);
        Assert.Equal(1, asked);
    }
}
