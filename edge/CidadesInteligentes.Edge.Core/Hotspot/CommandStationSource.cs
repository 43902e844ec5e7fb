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
        if (await ToolRun.RunAsync(fileName, arguments, _timeout, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            var seconds = _timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            if (logger is not null)
            {
                NoAnswer(logger, fileName, seconds);
            }
            throw new InvalidOperationException($"{fileName} did not answer within {seconds} s and was stopped");
        }
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with code {run.ExitCode}");
        }
        return parse(run.Output);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Tool} did not answer within {Seconds} s and was stopped: this report counts no Wi-Fi clients")]
    private static partial void NoAnswer(ILogger logger, string tool, string seconds);
}
