using System.Net;
using System.Net.Sockets;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

public sealed class ProbeTests
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Tcp_probe_counts_reached_and_refused_targets()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = new ProbeTarget("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
        var closed = new ProbeTarget("127.0.0.1", FreePort.Next());

        var result = await new TcpProbe(TimeProvider.System, ProbeTimeout).RunAsync([open, closed], CancellationToken.None);

        Assert.Equal(2, result.Attempts);
        Assert.Equal(1, result.Failures);
        Assert.True(result.AnyReached);
        Assert.InRange(Assert.Single(result.LatenciesMs), 0, ProbeTimeout.TotalMilliseconds);
    }

    [Fact]
    public async Task Dns_probe_resolves_and_reports_failure_and_timeout()
    {
        var ok = await new DnsProbe(TimeProvider.System, ProbeTimeout).RunAsync("localhost", CancellationToken.None);
        Assert.True(ok.Resolved);
        Assert.True(ok.AddressCount >= 1);

        var failing = new DnsProbe(TimeProvider.System, ProbeTimeout, (_, _) => throw new SocketException((int)SocketError.HostNotFound));
        Assert.False((await failing.RunAsync("nowhere.invalid", CancellationToken.None)).Resolved);

        var hanging = new DnsProbe(TimeProvider.System, TimeSpan.FromMilliseconds(50), async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return [];
        });
        Assert.Equal(new DnsProbeResult(false, null, 0), await hanging.RunAsync("slow.example", CancellationToken.None));
    }

    [Fact]
    public void Mbps_is_bits_per_second_over_a_million()
    {
        // 12 500 000 bytes × 8 = 100 000 000 bits in 2 s = 50 Mbps.
        Assert.Equal(50, ThroughputProbe.Mbps(12_500_000, TimeSpan.FromSeconds(2)), 9);
    }

    [Fact]
    public async Task Throughput_probe_downloads_and_uploads_against_a_server()
    {
        await using var server = new LoopbackHttpServer();
        server.Route("/down", 200, new byte[2_000_000]);
        server.Route("/up", 204, []);
        using var http = new HttpClient();

        var result = await new ThroughputProbe(http, TimeProvider.System).RunAsync(server.Url("/down"), server.Url("/up"), 500_000, CancellationToken.None);

        Assert.Equal(2_000_000, result.DownloadedBytes);
        Assert.Equal(500_000, result.UploadedBytes);
        Assert.Equal(500_000, server.ReceivedBodyBytes);
        Assert.True(result.DownMbps > 0);
        Assert.True(result.UpMbps > 0);
    }

    [Fact]
    public async Task Throughput_probe_reports_no_figure_when_the_test_fails()
    {
        await using var server = new LoopbackHttpServer();
        using var http = new HttpClient();
        var result = await new ThroughputProbe(http, TimeProvider.System).RunAsync(server.Url("/missing"), null, 0, CancellationToken.None);
        Assert.Null(result.DownMbps);
        Assert.Null(result.UpMbps);
    }

    [Fact]
    public async Task Portal_probe_checks_status_and_body()
    {
        await using var server = new LoopbackHttpServer();
        server.Route("/generate_204", 204, []);
        server.Route("/portal", 200, "<html><title>Wi-Fi Livre SP</title></html>");
        server.Route("/moved", 302, [], location: "http://elsewhere.invalid/");
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { Timeout = ProbeTimeout };
        var probe = new CaptivePortalProbe(http);

        Assert.True((await probe.RunAsync(server.Url("/generate_204"), 204, null, CancellationToken.None)).Ok);
        Assert.True((await probe.RunAsync(server.Url("/portal"), 200, "Wi-Fi Livre SP", CancellationToken.None)).Ok);

        var wrongText = await probe.RunAsync(server.Url("/portal"), 200, "Bem-vindo", CancellationToken.None);
        Assert.False(wrongText.Ok);
        Assert.Equal(200, wrongText.StatusCode);

        var redirected = await probe.RunAsync(server.Url("/moved"), 204, null, CancellationToken.None);
        Assert.Equal(new PortalCheckResult(false, 302, "status 302, expected 204"), redirected);

        var down = await probe.RunAsync(new Uri($"http://127.0.0.1:{FreePort.Next()}/"), 204, null, CancellationToken.None);
        Assert.False(down.Ok);
        Assert.Null(down.StatusCode);
    }

    [Fact]
    public async Task The_agents_probe_client_reports_a_redirected_portal_instead_of_following_it()
    {
        await using var server = new LoopbackHttpServer();
        server.Route("/generate_204", 204, []);
        server.Route("/moved", 302, [], location: server.Url("/generate_204").ToString());

        using var agents = ProbeHttpClient.Create();
        var result = await new CaptivePortalProbe(agents).RunAsync(server.Url("/moved"), 204, null, CancellationToken.None);
        Assert.Equal(new PortalCheckResult(false, 302, "status 302, expected 204"), result);

        // a client that follows redirects would have reported the portal as working
        using var following = new HttpClient { Timeout = ProbeTimeout };
        Assert.True((await new CaptivePortalProbe(following).RunAsync(server.Url("/moved"), 204, null, CancellationToken.None)).Ok);
    }
}
