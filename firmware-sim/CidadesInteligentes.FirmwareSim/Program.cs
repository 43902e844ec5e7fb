using System.Globalization;
using System.Runtime.InteropServices;
using CidadesInteligentes.FirmwareSim.Fleet;
using Microsoft.Extensions.Logging;

// environment variables (Section__Key) first, then the command line, which wins
var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .Select(e => KeyValuePair.Create((string)e.Key, (string?)e.Value));
var options = FleetOptionsBinder.Bind([.. FleetOptionsBinder.EnvironmentArguments(environment), .. args], out var errors);
if (errors.Count > 0)
{
    foreach (var e in errors)
    {
        Console.Error.WriteLine("error: " + e);
    }
    Console.Error.WriteLine("usage: see docs/simulator.md");
    return 2;
}
options = options with { Progress = new ProgressPrinter(Console.Out) };
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
// SIGTERM (systemd, docker stop, the demo's cleanup) stops like Ctrl+C: without this the runtime ends the process at
// once, so no device said goodbye, energy registers were not flushed and the temporary data directory stayed behind
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    cts.Cancel();
});
try
{
    await using var fleet = new FleetSimulator(options, loggers);
    var result = await fleet.RunAsync(cts.Token);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"done at {result.SimulatedTime:o}: {result.Luminaires} luminaires, {result.Hotspots} hotspots, queued {result.Published}, acked {result.Acked} in {result.RealElapsed.TotalSeconds:0.0} s"));
    return 0;
}
catch (OperationCanceledException)
{
    Console.WriteLine("stopped");
    return 0;
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
