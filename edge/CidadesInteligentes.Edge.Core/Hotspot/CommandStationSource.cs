using System.Diagnostics;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Runs a command (e.g. <c>iw dev wlan0 station dump</c>) and parses its standard output.</summary>
public sealed class CommandStationSource(string fileName, IReadOnlyList<string> arguments, Func<string, IReadOnlyList<WifiStation>> parse)
    : IStationSource
{
    public static CommandStationSource Iw(string wirelessInterface) =>
        new("iw", ["dev", wirelessInterface, "station", "dump"], IwStationDumpParser.Parse);

    public static CommandStationSource Hostapd(string wirelessInterface) =>
        new("hostapd_cli", ["-i", wirelessInterface, "all_sta"], HostapdAllStaParser.Parse);

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
        var output = await stdout.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with code {process.ExitCode}");
        }
        return parse(output);
    }
}
