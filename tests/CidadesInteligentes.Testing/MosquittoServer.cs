using System.Globalization;

namespace CidadesInteligentes.Testing;

/// <summary>Debian's Mosquitto broker on a free loopback port, anonymous access, in a temp directory.</summary>
public sealed class MosquittoServer : ServerProcess
{
    private MosquittoServer(int port, string dir, string config)
        : base("mosquitto", "mosquitto", $"-c {config}", dir) => Port = port;

    public int Port { get; }

    /// <summary>Starts Mosquitto. <paramref name="extraConfig"/> lines are appended to mosquitto.conf.</summary>
    public static async Task<MosquittoServer> StartAsync(string extraConfig = "", int? port = null, string? directory = null)
    {
        var p = port ?? FreePort.Next();
        var dir = directory ?? CreateTempDirectory("mosquitto");
        var config = Path.Combine(dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            listener {p} 127.0.0.1
            allow_anonymous true
            user root
            persistence true
            persistence_location {dir}/
            autosave_interval 1
            max_queued_messages 100000
            log_dest stdout
            log_type error
            log_type warning
            {extraConfig}

            """)).ConfigureAwait(false);
        var server = new MosquittoServer(p, dir, config);
        await server.WaitForPortAsync(p, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        return server;
    }

    /// <summary>Path of a Mosquitto client tool (mosquitto_pub, mosquitto_sub) with a clear error if missing.</summary>
    public static string Tool(string name) => Locate(name, "mosquitto-clients");
}
