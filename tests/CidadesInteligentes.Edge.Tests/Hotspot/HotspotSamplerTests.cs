using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

public sealed class HotspotSamplerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sysnet-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private sealed class FixedStations(params WifiStation[] stations) : IStationSource
    {
        public Task<IReadOnlyList<WifiStation>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<WifiStation>>(stations);
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        // [30, 10, 20] sorted 10, 20, 30 → 20; [40, 10, 30, 20] sorted 10, 20, 30, 40 → (20 + 30) / 2 = 25.
        Assert.Equal(20, HotspotSampler.Median([30, 10, 20]));
        Assert.Equal(25, HotspotSampler.Median([40, 10, 30, 20]));
        Assert.Null(HotspotSampler.Median([]));
    }

    [Fact]
    public async Task Sample_combines_probes_stations_and_counters_into_valid_contract_telemetry()
    {
        var statistics = Directory.CreateDirectory(Path.Combine(_root, "eth0", "statistics")).FullName;
        File.WriteAllText(Path.Combine(statistics, "rx_bytes"), "123456789\n");
        File.WriteAllText(Path.Combine(statistics, "tx_bytes"), "98765\n");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var portal = new LoopbackHttpServer();
        portal.Route("/generate_204", 204, []);
        portal.Route("/down", 200, new byte[100_000]);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler);
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var unique = new UniqueClientCounter(time);
        var settings = new HotspotSamplerSettings(
            [new ProbeTarget("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), new ProbeTarget("127.0.0.1", FreePort.Next())],
            portal.Url("/generate_204"), PortalExpectedStatus: 204, ThroughputDownloadUrl: portal.Url("/down"));
        var stations = new FixedStations(
            new WifiStation("02:1a:11:f0:c8:3b", true, -42, 304, 83),
            new WifiStation("a4:c3:f0:85:ac:2d", true, -71, 12040, 1570),
            new WifiStation("5e:e1:09:33:7a:10", false, -88, 60000, 2));
        var probes = new HotspotProbes(new TcpProbe(TimeProvider.System, TimeSpan.FromSeconds(5)), new CaptivePortalProbe(http), new ThroughputProbe(http, TimeProvider.System));
        var sampler = new HotspotSampler(settings, stations, new WanCounterReader("eth0", _root), unique, probes, () => 3600, time);

        await sampler.ProbeBackhaulAsync(CancellationToken.None);
        await sampler.ProbeBackhaulAsync(CancellationToken.None);
        var telemetry = await sampler.SampleAsync(runThroughput: true, CancellationToken.None);

        Assert.True(telemetry.BackhaulUp);
        Assert.Equal(50, telemetry.LossPercent); // 2 rounds × 2 targets, the closed port failed twice: 2 / 4
        Assert.NotNull(telemetry.LatencyMs);
        Assert.True(telemetry.PortalOk);
        Assert.Equal(2, telemetry.Clients);
        Assert.Equal(2, telemetry.UniqueClientsToday);
        Assert.Equal(123456789, telemetry.RxBytes);
        Assert.Equal(98765, telemetry.TxBytes);
        Assert.Equal(3600, telemetry.UptimeS);
        Assert.NotNull(telemetry.DownMbps);

        telemetry.Seq = 1; // assigned by the outbox in production
        var json = JsonSerializer.SerializeToUtf8Bytes(telemetry, TelemetryJson.Default.HotspotTelemetry);
        var validation = TelemetryValidator.Validate("ci/v1/3548906/hotspot/sc-wifi-03/telemetry", json, time.GetUtcNow());
        Assert.True(validation.IsValid, validation.Describe());
        Assert.DoesNotContain("02:1a", System.Text.Encoding.UTF8.GetString(json), StringComparison.OrdinalIgnoreCase);

        // next interval: no throughput test, probe statistics start over (one automatic round: 1 of 2 failed).
        var next = await sampler.SampleAsync(runThroughput: false, CancellationToken.None);
        Assert.Null(next.DownMbps);
        Assert.Equal(50, next.LossPercent);
    }
}
