using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

/// <summary>
/// A minimal HTTP/1.1 server on a free loopback port: answers each path with a fixed status and body, reads and
/// counts request bodies, one request per connection. Enough for the probes; no Kestrel needed.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, (int Status, byte[] Body, string? Location)> _routes = new();
    private readonly Task _loop;
    private long _receivedBodyBytes;

    public LoopbackHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long ReceivedBodyBytes => Interlocked.Read(ref _receivedBodyBytes);

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}{path}");

    public void Route(string path, int status, byte[] body, string? location = null) => _routes[path] = (status, body, location);

    public void Route(string path, int status, string body) => Route(path, status, Encoding.UTF8.GetBytes(body));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII, false, 1, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync() ?? "";
            long contentLength = 0;
            string? line;
            while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    contentLength = long.Parse(line.AsSpan(15).Trim(), CultureInfo.InvariantCulture);
                }
            }
            var buffer = new char[64 * 1024];
            var remaining = contentLength;
            while (remaining > 0)
            {
                var read = await reader.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)));
                if (read == 0)
                {
                    break;
                }
                remaining -= read;
                Interlocked.Add(ref _receivedBodyBytes, read);
            }
            var path = requestLine.Split(' ') is [_, var p, ..] ? p : "/";
            var (status, body, location) = _routes.TryGetValue(path, out var route) ? route : (404, "not found"u8.ToArray(), null);
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} X\r\nContent-Length: {body.Length}\r\nConnection: close\r\n");
            if (location is not null)
            {
                head.Append(CultureInfo.InvariantCulture, $"Location: {location}\r\n");
            }
            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            await stream.WriteAsync(body);
        }
    }
}
