using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Runs a command (e.g. <c>iw dev wlan0 station dump</c>) and parses its standard output. A run that has not finished
/// within <paramref name="timeout"/> (10 s by default; a wedged Wi-Fi driver can hang <c>iw</c>) is stopped with its
/// children and logged, and the read fails: that report counts no stations, and the next cycle runs the tool again.
/// </summary>
public sealed partial class CommandStationSource(
    string fileName, IReadOnlyList<string> arguments, Func<string, IReadOnlyList<WifiStation>> parse, ILogger? logger = null, TimeSpan? timeout = null)
    : IStationSource
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(10);

    public static CommandStationSource Iw(string wirelessInterface, ILogger? logger = null, TimeSpan? timeout = null) =>
        new("iw", ["dev", wirelessInterface, "station", "dump"], IwStationDumpParser.Parse, logger, timeout);

    public static CommandStationSource Hostapd(string wirelessInterface, ILogger? logger = null, TimeSpan? timeout = null) =>
        new("hostapd_cli", ["-i", wirelessInterface, "all_sta"], HostapdAllStaParser.Parse, logger, timeout);

    public async Task<IReadOnlyList<WifiStation>> ReadAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        // disposed here: Process.Dispose leaves a standard-output reader the caller has used open (it may still hold a
        // reference), so each run would keep its pipe until the garbage collector finalised it
        using var stdout = process.StandardOutput;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        string output;
        try
        {
            output = await stdout.ReadToEndAsync(deadline.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            var seconds = _timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            if (logger is not null)
            {
                NoAnswer(logger, fileName, seconds);
            }
            throw new InvalidOperationException($"{fileName} did not answer within {seconds} s and was stopped");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with code {process.ExitCode}");
        }
        return parse(output);
    }

    /// <summary>Kills the tool and whatever it started (a child would keep the output pipe open), and collects it.</summary>
    private static async Task StopAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // it exited meanwhile, or cannot be killed by this user: nothing more to do
        }
        // bounded: a tool stuck in the kernel dies only when its call returns
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Tool} did not answer within {Seconds} s and was stopped: this report counts no Wi-Fi clients")]
    private static partial void NoAnswer(ILogger logger, string tool, string seconds);
}
