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

    /// <summary>
    /// Starts Mosquitto with the caller's listeners and access control instead of the anonymous loopback listener of
    /// <see cref="StartAsync"/> (e.g. the files of cloud/deploy/mosquitto). <paramref name="config"/> follows the
    /// fixture's general settings (persistence in <paramref name="directory"/>, deleted on dispose); the log goes to
    /// stderr, which is not buffered, so <see cref="ServerProcess.Output"/> is current. Ready when
    /// <paramref name="port"/> accepts connections; <see cref="Port"/> is that port.
    /// </summary>
    public static async Task<MosquittoServer> StartWithConfigAsync(string config, int port, string directory)
    {
        var file = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(file, string.Create(CultureInfo.InvariantCulture, $"""
            user root
            persistence true
            persistence_location {directory}/
            autosave_interval 1
            log_dest stderr
            log_type error
            log_type warning
            {config}

            """)).ConfigureAwait(false);
        var server = new MosquittoServer(port, directory, file);
        await server.WaitForPortAsync(port, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        return server;
    }

    /// <summary>Adds <paramref name="user"/> to a Mosquitto password file with mosquitto_passwd (creating the file).</summary>
    public static async Task AddUserAsync(string passwordFile, string user, string password)
    {
        var info = new System.Diagnostics.ProcessStartInfo(Locate("mosquitto_passwd", "mosquitto")) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!File.Exists(passwordFile))
        {
            info.ArgumentList.Add("-c");
        }
        foreach (var arg in (string[])["-b", passwordFile, user, password])
        {
            info.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_passwd exited with {process.ExitCode} adding '{user}' to {passwordFile}: {output}");
        }
    }

    /// <summary>Path of a Mosquitto client tool (mosquitto_pub, mosquitto_sub) with a clear error if missing.</summary>
    public static string Tool(string name) => Locate(name, "mosquitto-clients");
}
