using System.Text;
using System.Text.Json;
using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Live;

/// <summary><c>GET /api/live</c> read as a browser's EventSource reads it: frames split on blank lines, fields per line.</summary>
public sealed class LiveEndpointTests
{
    private const string Lamp = "sc-lum-000020";

    /// <summary>One dispatched event (or a comment-only block, Event = null) as the SSE parsing rules give it.</summary>
    internal sealed record SseFrame(string? Event, string? Data, IReadOnlyList<string> Comments);

    /// <summary>An open /api/live connection whose frames are read in the background.</summary>
    internal sealed class SseReader : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly CancellationTokenSource _cts = new();
        private readonly Task _pump;

        private SseReader(HttpResponseMessage response)
        {
            _response = response;
            _pump = Task.Run(PumpAsync);
        }

        public System.Threading.Channels.Channel<SseFrame> Frames { get; } = System.Threading.Channels.Channel.CreateUnbounded<SseFrame>();

        public HttpResponseMessage Response => _response;

        public static async Task<SseReader> OpenAsync(HttpClient http, string path = "/api/live")
        {
            var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            return new SseReader(response);
        }

        public async Task<SseFrame> NextEventAsync(string name)
        {
            while (true)
            {
                var f = await Wait.ForAsync(Frames.Reader.ReadAsync().AsTask(), $"an SSE '{name}' event");
                if (f.Event == name)
                {
                    return f;
                }
            }
        }

        private async Task PumpAsync()
        {
            try
            {
                using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_cts.Token), Encoding.UTF8);
                string? evt = null;
                StringBuilder? data = null;
                var comments = new List<string>();
                // ReadLineAsync splits on \n, \r\n and \r: the same line ends the SSE format has
                while (await reader.ReadLineAsync(_cts.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        Frames.Writer.TryWrite(new SseFrame(data is null ? null : evt ?? "message", data?.ToString(), comments));
                        evt = null;
                        data = null;
                        comments = [];
                        continue;
                    }
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    var field = colon < 0 ? line : line[..colon];
                    var value = colon < 0 ? "" : line[(colon + 1)..];
                    if (value.StartsWith(' '))
                    {
                        value = value[1..];
                    }
                    switch (field)
                    {
                        case "": comments.Add(value); break;
                        case "event": evt = value; break;
                        case "data": data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value); break;
                        default: break; // an unknown field is ignored, as a browser does
                    }
                }
            }
            // disposed before the pump got the stream (a test that only looks at the headers): nothing to read. The
            // response disposed just before ReadAsStreamAsync returns hands over a closed stream, which StreamReader
            // refuses with an ArgumentException ("Stream was not readable")
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException
                || (e is ArgumentException && _cts.IsCancellationRequested))
            {
            }
            Frames.Writer.TryComplete();
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            _response.Dispose();
            await _pump.ConfigureAwait(false);
            _cts.Dispose();
        }
    }

    [Fact]
    public async Task A_device_payload_written_over_several_lines_reaches_the_browser_as_one_whole_event()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync(Lamp);
        await using var sse = await SseReader.OpenAsync(cloud.Http);
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers == 1, "subscribed");

        // valid JSON, indented by a tool on the device: line breaks between tokens, and a blank line
        var ts = Payload.Ts(DateTimeOffset.UtcNow);
        var pretty = "{\r\n  \"v\": 1, \"seq\": 1,\n\n  \"ts\": \"" + ts + "\",\r  \"type\": \"lampFailure\",\n  \"active\": true,\n  \"detail\": \"data: forged\"\n}";
        await dev.PublishAsync(Payload.Topic(Lamp, "event"), pretty);

        var frame = await sse.NextEventAsync("event");
        var data = JsonDocument.Parse(frame.Data!).RootElement;
        Assert.Equal(Lamp, data.GetProperty("device").GetString());
        Assert.Equal("lampFailure", data.GetProperty("payload").GetProperty("type").GetString());
        Assert.Equal("data: forged", data.GetProperty("payload").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_quiet_stream_sends_a_heartbeat_event_every_interval_that_the_page_can_see()
    {
        await using var cloud = await CloudApp.StartAsync();
        var hub = cloud.Get<LiveHub>();
        hub.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
        await using var sse = await SseReader.OpenAsync(cloud.Http);
        Assert.Equal("no-cache", sse.Response.Headers.CacheControl?.ToString());

        // no device publishes anything: ": connected", a heartbeat at once (the page learns the interval before the
        // first quiet one), then one per interval. A comment would keep proxies from closing the stream too, but
        // EventSource never hands comments to the page, which then could not tell a quiet stream from a dead one
        var first = await Wait.ForAsync(sse.Frames.Reader.ReadAsync().AsTask(), "the connected comment");
        Assert.Equal(["connected"], first.Comments);
        for (var i = 0; i < 4; i++)
        {
            var beat = await Wait.ForAsync(sse.Frames.Reader.ReadAsync().AsTask(), "a heartbeat", TimeSpan.FromSeconds(5));
            Assert.Equal("heartbeat", beat.Event);
            Assert.Equal("""{"intervalMs":300}""", beat.Data);
        }
        Assert.Equal(1, hub.Subscribers);
    }

    [Fact]
    public void A_heartbeat_goes_on_the_wire_as_a_named_event_with_its_interval_in_milliseconds()
    {
        Assert.Equal("event: heartbeat\ndata: {\"intervalMs\":15000}\n\n", LiveUpdate.Heartbeat(TimeSpan.FromSeconds(15)).ToSse());
    }

    [Fact]
    public async Task The_heartbeat_interval_is_a_setting()
    {
        await using var cloud = await CloudApp.StartAsync(null, "--Api:LiveHeartbeatSeconds", "2");
        Assert.Equal(TimeSpan.FromSeconds(2), cloud.Get<LiveHub>().HeartbeatInterval);
        await using var sse = await SseReader.OpenAsync(cloud.Http);
        var beat = await sse.NextEventAsync("heartbeat");
        Assert.Equal("""{"intervalMs":2000}""", beat.Data);
    }

    [Fact]
    public async Task Stopping_the_cloud_ends_open_streams_at_once_so_it_restarts_quickly_and_browsers_reconnect()
    {
        var cloud = await CloudApp.StartAsync();
        try
        {
            await using var sse = await SseReader.OpenAsync(cloud.Http);
            await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers == 1, "subscribed");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await cloud.App.StopAsync();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed.TotalSeconds:0.0} s with one dashboard open");
            // the browser sees its stream end (and EventSource reconnects to the next instance)
            await Wait.ForAsync(Task.Run(async () => { await foreach (var _ in sse.Frames.Reader.ReadAllAsync()) { } }), "the stream ended");
        }
        finally
        {
            await cloud.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_stream_tells_a_buffering_reverse_proxy_to_pass_each_event_on_at_once()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var sse = await SseReader.OpenAsync(cloud.Http);
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType?.MediaType);
        // nginx buffers a proxied response unless told not to: the page would get its updates in bursts, late
        Assert.True(sse.Response.Headers.TryGetValues("X-Accel-Buffering", out var values), "no X-Accel-Buffering header");
        Assert.Equal(["no"], values);
    }
}
