using System.Net;
using System.Net.Sockets;
using System.Text;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

/// <summary>
/// The hourly throughput test runs over the hotspot's own backhaul, which can be slow or drop mid-test. A server that
/// does not answer, cuts the body short or stops sending must give "no figure" for that hour: before, the first two
/// threw out of the probe (and stopped the hotspot agent) and the third held its loop for good.
/// </summary>
public sealed class ThroughputProbeFailureTests : IAsyncDisposable
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _open = [];
    private readonly Task _server;

    public ThroughputProbeFailureTests()
    {
        _listener.Start();
        _server = Task.Run(ServeAsync);
    }

    [Fact]
    public async Task A_server_that_never_answers_gives_no_figure()
    {
        var result = await RunAsync("/silent", upload: null);
        Assert.Null(result.DownMbps);
        Assert.Equal(0, result.DownloadedBytes);
    }

    [Fact]
    public async Task A_download_cut_short_gives_no_figure()
    {
        // a client timeout longer than the wait: the figure must go because of the cut, not a timeout
        var result = await RunAsync("/cut", upload: null, clientTimeout: TimeSpan.FromMinutes(1));
        Assert.Null(result.DownMbps);
        Assert.Equal(0, result.DownloadedBytes);
    }

    [Fact]
    public async Task A_download_that_stops_sending_gives_no_figure_once_it_has_been_quiet_for_the_client_timeout()
    {
        var result = await RunAsync("/stall", upload: null);
        Assert.Null(result.DownMbps);
        Assert.Equal(0, result.DownloadedBytes);
    }

    [Fact]
    public async Task An_upload_the_server_never_answers_gives_no_upload_figure_and_keeps_the_download_one()
    {
        var result = await RunAsync("/ok", upload: "/silent");
        Assert.Equal(1000, result.DownloadedBytes);
        Assert.NotNull(result.DownMbps);
        Assert.Null(result.UpMbps);
        Assert.Equal(0, result.UploadedBytes);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _server.ContinueWith(static _ => { }, TaskScheduler.Default);
        lock (_open)
        {
            _open.ForEach(s => s.Dispose());
        }
    }

    private async Task<ThroughputResult> RunAsync(string download, string? upload, TimeSpan? clientTimeout = null)
    {
        using var http = new HttpClient { Timeout = clientTimeout ?? ClientTimeout };
        var probe = new ThroughputProbe(http, TimeProvider.System);
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var uploadUrl = upload is null ? null : new Uri($"http://127.0.0.1:{port}{upload}");
        return await Wait.ForAsync(probe.RunAsync(new Uri($"http://127.0.0.1:{port}{download}"), uploadUrl, 10_000, CancellationToken.None),
            $"the throughput probe on {download} to finish", Limit);
    }

    /// <summary>
    /// /ok: 1,000 bytes. /silent: reads the request, never answers. /cut: announces 1,000,000 bytes, sends 1,000 and
    /// closes. /stall: announces 1,000,000 bytes, sends 1,000 and keeps the connection open without sending more.
    /// </summary>
    private async Task ServeAsync()
    {
        while (true)
        {
            var socket = await _listener.AcceptSocketAsync();
            lock (_open)
            {
                _open.Add(socket);
            }
            _ = Task.Run(() => AnswerAsync(socket));
        }
    }

    private static async Task AnswerAsync(Socket socket)
    {
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return;
            }
            request.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var path = request.ToString().Split(' ')[1];
        if (path == "/silent")
        {
            return; // the connection stays open until the test ends
        }
        var announced = path == "/ok" ? 1000 : 1_000_000;
        await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {announced}\r\n\r\n"));
        await socket.SendAsync(new byte[1000]);
        if (path == "/cut")
        {
            socket.Shutdown(SocketShutdown.Both);
            socket.Close();
        }
    }
}
