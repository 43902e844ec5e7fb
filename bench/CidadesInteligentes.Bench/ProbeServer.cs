using System.Net;
using System.Text;
using CidadesInteligentes.Testing;

/// <summary>
/// What a hotspot's probes reach in the edge bench: a loopback HTTP server with a captive-portal page and a download
/// for the throughput test, and a directory holding an <c>iw</c> that prints a real station dump (put first on PATH).
/// </summary>
internal sealed class ProbeServer : IDisposable
{
    private static readonly byte[] Download = new byte[4 * 1024 * 1024];
    private static readonly byte[] Portal = Encoding.UTF8.GetBytes("<html><body>Wi-Fi Livre SP</body></html>");
    private readonly HttpListener _listener = new();

    private ProbeServer(int port, string bin)
    {
        Port = port;
        BinDirectory = bin;
    }

    public int Port { get; }

    public string BinDirectory { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public static ProbeServer Start()
    {
        var bin = ServerProcess.CreateTempDirectory("bench-probes");
        var dump = Path.Combine(AppContext.BaseDirectory, "iw-station-dump.txt");
        var iw = Path.Combine(bin, "iw");
        File.WriteAllText(iw, $"#!/bin/sh\nexec cat '{dump}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(iw, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }
        var server = new ProbeServer(FreePort.Next(), bin);
        server._listener.Prefixes.Add($"http://127.0.0.1:{server.Port}/");
        server._listener.Start();
        _ = server.ServeAsync();
        return server;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var body = context.Request.Url!.AbsolutePath == "/download" ? Download : Portal;
            try
            {
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // the probe gave up (timeout); nothing to serve
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            Directory.Delete(BinDirectory, true);
        }
        catch (IOException)
        {
        }
    }
}
