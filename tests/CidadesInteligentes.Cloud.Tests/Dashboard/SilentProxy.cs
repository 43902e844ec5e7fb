using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// A TCP relay between the browser and the cloud that can make the live stream die the silent way: as a proxy or a
/// NAT that dropped the connection without closing it, nothing more passes in either direction, but neither end is
/// told. Other connections (the page's API reads) keep working, and a stream opened afterwards passes normally.
/// </summary>
internal sealed class SilentProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Relay, byte> _relays = new();
    private readonly Task _accepting;
    private int _liveStreams;
    private int _heartbeats;

    private SilentProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Where the browser goes instead of the cloud.</summary>
    public Uri Address { get; }

    /// <summary>How many connections have carried a <c>GET /api/live</c> so far.</summary>
    public int LiveStreams => Volatile.Read(ref _liveStreams);

    /// <summary>How many <c>heartbeat</c> events the proxy passed on to the browser.</summary>
    public int HeartbeatsPassed => Volatile.Read(ref _heartbeats);

    public static SilentProxy Start(Uri cloud) => new(new IPEndPoint(IPAddress.Parse(cloud.Host), cloud.Port));

    /// <summary>From now on every open connection that carries the live stream passes nothing and closes nothing; returns how many.</summary>
    public int SilenceLiveStreams()
    {
        var n = 0;
        foreach (var r in _relays.Keys.Where(r => r.CarriesLive))
        {
            r.Silent = true;
            n++;
        }
        return n;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                var server = new TcpClient();
                try
                {
                    await server.ConnectAsync(_upstream, _stop.Token).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    client.Dispose();
                    server.Dispose();
                    continue;
                }
                var relay = new Relay(this, client, server);
                _relays.TryAdd(relay, 0);
                relay.Start();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        foreach (var r in _relays.Keys)
        {
            await r.DisposeAsync().ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    /// <summary>One browser connection and its connection to the cloud.</summary>
    private sealed class Relay(SilentProxy proxy, TcpClient client, TcpClient server) : IAsyncDisposable
    {
        private static readonly byte[] LiveRequest = Encoding.ASCII.GetBytes("GET /api/live");
        private static readonly byte[] Heartbeat = Encoding.ASCII.GetBytes("event: heartbeat\n");
        private Task _up = Task.CompletedTask;
        private Task _down = Task.CompletedTask;
        private volatile bool _silent;
        private volatile bool _carriesLive;

        public bool CarriesLive => _carriesLive;

        public bool Silent { get => _silent; set => _silent = value; }

        public void Start()
        {
            _up = Task.Run(() => PumpAsync(client.GetStream(), server.GetStream(), fromBrowser: true));
            _down = Task.Run(() => PumpAsync(server.GetStream(), client.GetStream(), fromBrowser: false));
        }

        private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromBrowser)
        {
            var buffer = new byte[16 * 1024];
            var carried = Array.Empty<byte>(); // the end of the previous read, for a line split between two reads
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer, proxy._stop.Token).ConfigureAwait(false)) > 0)
                {
                    if (fromBrowser && !_carriesLive && Count(ref carried, buffer.AsSpan(0, n), LiveRequest) > 0)
                    {
                        _carriesLive = true;
                        Interlocked.Increment(ref proxy._liveStreams);
                    }
                    if (!_silent)
                    {
                        if (!fromBrowser && _carriesLive)
                        {
                            Interlocked.Add(ref proxy._heartbeats, Count(ref carried, buffer.AsSpan(0, n), Heartbeat));
                        }
                        await to.WriteAsync(buffer.AsMemory(0, n), proxy._stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
            // the browser closed (EventSource.close()): tell the cloud. The cloud closing a silenced connection never
            // reaches the browser: that is the failure this proxy plays
            if (fromBrowser || !_silent)
            {
                client.Dispose();
                server.Dispose();
                proxy._relays.TryRemove(this, out _);
            }
        }

        /// <summary>How often <paramref name="pattern"/> occurs in <paramref name="chunk"/>, counting one that began in the previous chunk.</summary>
        private static int Count(ref byte[] carried, ReadOnlySpan<byte> chunk, byte[] pattern)
        {
            var seen = new byte[carried.Length + chunk.Length];
            carried.CopyTo(seen, 0);
            chunk.CopyTo(seen.AsSpan(carried.Length));
            var count = 0;
            for (var rest = seen.AsSpan(); rest.IndexOf(pattern) is var at and >= 0; rest = rest[(at + pattern.Length)..])
            {
                count++;
            }
            // keep less than a whole pattern, so an occurrence is never counted twice
            carried = seen[Math.Max(0, seen.Length - pattern.Length + 1)..];
            return count;
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            server.Dispose();
            await Task.WhenAll(_up, _down).ConfigureAwait(false);
        }
    }
}
