using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// Entry point: <c>run</c> (default), <c>provision</c> and <c>doctor</c>. Configuration, later wins:
/// appsettings.json next to the program, the file given by <c>--config</c> (default /etc/cidades-inteligentes/edge.json),
/// environment variables (<c>Section__Key</c>), the command line (<c>--Section:Key value</c>).
/// Exit codes: 0 ok, 1 doctor found a failure, 2 configuration problems.
/// </summary>
public static class EdgeProgram
{
    /// <summary>Short forms accepted on the command line (install.sh uses them).</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["--id"] = "Device:Id",
        ["--city"] = "Device:City",
        ["--kind"] = "Device:Kind",
        ["--lat"] = "Device:Latitude",
        ["--lon"] = "Device:Longitude",
        ["--broker"] = "Mqtt:Host",
        ["--port"] = "Mqtt:Port",
        ["--tls"] = "Mqtt:Tls",
        ["--config"] = "config",
    };

    public static Task<int> MainAsync(string[] args, TextWriter output, TextWriter error) =>
        MainAsync(args, output, error, ConfigSources.Default);

    /// <summary>As <see cref="MainAsync(string[], TextWriter, TextWriter)"/>, reading configuration from <paramref name="sources"/> (tests).</summary>
    internal static async Task<int> MainAsync(string[] args, TextWriter output, TextWriter error, ConfigSources sources)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(sources);
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0].ToLowerInvariant() : "run";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        if (verb is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync("usage: CidadesInteligentes.Edge [run|provision|doctor] [--config FILE] [--Section:Key value ...]  (see docs/edge.md)").ConfigureAwait(false);
            return 0;
        }
        if (verb is not ("provision" or "doctor" or "run"))
        {
            await error.WriteLineAsync($"unknown command '{verb}': use run, provision or doctor").ConfigureAwait(false);
            return 2;
        }
        EdgeConfig commandLine, config;
        string configFile;
        try
        {
            commandLine = new EdgeConfig().AddCommandLine(rest, Aliases);
            configFile = ConfigFile(commandLine, sources);
            config = verb == "provision" ? commandLine : Build(rest, configFile, sources);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            // a broken file or command line is a configuration problem like any other: say what and where, exit 2
            // (the systemd unit does not restart on exit 2: a restart cannot fix it; see edge/deploy/cidades-edge.service)
            var detail = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            await error.WriteLineAsync($"the edge agent cannot start; fix its configuration: {detail}").ConfigureAwait(false);
            return 2;
        }
        return verb switch
        {
            "provision" => Provisioner.Run(commandLine, configFile, output, error),
            "doctor" => await Doctor.RunAsync(config, output).ConfigureAwait(false),
            _ => await RunAsync(config, error).ConfigureAwait(false),
        };
    }

    /// <summary>The configuration file in effect: <c>--config</c>, or the /etc file.</summary>
    private static string ConfigFile(EdgeConfig commandLine, ConfigSources sources) =>
        commandLine["config"] is { Length: > 0 } c ? Path.GetFullPath(c) : sources.EtcFile;

    private static EdgeConfig Build(string[] args, string configFile, ConfigSources sources)
    {
        ThrowIfHidden(configFile);
        return new EdgeConfig()
            .AddJsonFile(Path.Combine(sources.AppDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(configFile, optional: true)
            .AddEnvironmentVariables(sources.Variables())
            .AddCommandLine(args, Aliases);
    }

    /// <summary>
    /// A file in a directory this user may not enter (/etc/cidades-inteligentes is root:cidades 0750; doctor without
    /// sudo) looks absent, which would list every setting as missing and ask for a new provision, i.e. a secret rotation.
    /// Opening it tells the two apart: access denied is thrown (exit 2, in plain words), not found is optional.
    /// </summary>
    private static void ThrowIfHidden(string configFile)
    {
        if (File.Exists(configFile))
        {
            return;
        }
        try
        {
            File.OpenHandle(configFile).Dispose();
        }
        catch (IOException)
        {
            // not there (FileNotFoundException, DirectoryNotFoundException): the file is optional
        }
    }

    private static async Task<int> RunAsync(EdgeConfig config, TextWriter error)
    {
        var settings = EdgeSettingsBinder.Bind(config, out var problems);
        if (problems.Count > 0)
        {
            await error.WriteLineAsync($"the edge agent cannot start; fix {problems.Count} configuration problem(s):").ConfigureAwait(false);
            foreach (var p in problems)
            {
                await error.WriteLineAsync("  - " + p).ConfigureAwait(false);
            }
            return 2;
        }
        // No generic host (docs/performance.md, "Edge agent footprint"): the worker is started and stopped here, and
        // SIGTERM/SIGINT (systemctl stop, Ctrl+C) request the same graceful stop the host's console lifetime did.
        MemorySettler.ConfigureNativeHeap();
        using var log = new ConsoleLog(config, Console.Out, TimeProvider.System);
        using var worker = new EdgeWorker(settings, TimeProvider.System, log);
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we exit on our own once the offline status is out
            stop.Cancel();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
        using var settler = new MemorySettler(TimeProvider.System);
        var running = worker.ExecuteTask ?? Task.CompletedTask;
        await Task.WhenAny(running, Task.Delay(Timeout.Infinite, stop.Token)).ConfigureAwait(false);
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await worker.StopAsync(shutdown.Token).ConfigureAwait(false);
        if (running.IsFaulted)
        {
            EdgeLog.StoppedOnError(log.CreateLogger("edge"), running.Exception!);
            return 1;
        }
        return Environment.ExitCode;
    }
}
