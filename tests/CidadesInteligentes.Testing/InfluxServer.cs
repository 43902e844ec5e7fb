using System.Globalization;

namespace CidadesInteligentes.Testing;

/// <summary>Debian's influxd (1.x) on free loopback ports with its data in a temp directory.</summary>
public sealed class InfluxServer : ServerProcess
{
    private InfluxServer(int httpPort, string dir, string config)
        : base("influxd", "influxd", $"run -config {config}", dir) => HttpPort = httpPort;

    public int HttpPort { get; }

    public Uri Url => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Starts influxd; pass the same <paramref name="directory"/> and port to restart over the same data.</summary>
    public static async Task<InfluxServer> StartAsync(string? directory = null, int? httpPort = null)
    {
        var http = httpPort ?? FreePort.Next();
        var rpc = FreePort.Next();
        var dir = directory ?? CreateTempDirectory("influxd");
        var config = Path.Combine(dir, "influxdb.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpc}"
            [meta]
              dir = "{dir}/meta"
            [data]
              dir = "{dir}/data"
              wal-dir = "{dir}/wal"
              query-log-enabled = false
            [monitor]
              store-enabled = false
            [http]
              enabled = true
              bind-address = "127.0.0.1:{http}"
              log-enabled = false
            [continuous_queries]
              enabled = false

            """)).ConfigureAwait(false);
        var server = new InfluxServer(http, dir, config);
        await server.WaitForPortAsync(http, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return server;
    }

    /// <summary>Stops the server but keeps its data directory, for restart tests.</summary>
    public void Stop() => Kill();

    /// <summary>
    /// Kills this server (as a crash would) and starts a new one over the same data directory and HTTP port. Dispose
    /// the new server before this one: this one's dispose only deletes the (already deleted) directory.
    /// </summary>
    public Task<InfluxServer> RestartAsync()
    {
        Kill();
        return StartAsync(Directory, HttpPort);
    }
}
