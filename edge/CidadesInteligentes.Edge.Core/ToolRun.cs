using System.ComponentModel;
using System.Diagnostics;

namespace CidadesInteligentes.Edge.Core;

/// <summary>
/// Runs a system tool (iw, hostapd_cli, timedatectl) and reads its standard output, within a time limit: a tool that
/// hangs (a wedged Wi-Fi driver, a D-Bus that never answers) is stopped with whatever it started and collected.
/// </summary>
public static class ToolRun
{
    /// <summary>
    /// The tool's exit code and standard output, or null when it did not finish within <paramref name="timeout"/>.
    /// Throws <see cref="Win32Exception"/> when the tool cannot be started (not installed); cancellation is thrown as
    /// <see cref="OperationCanceledException"/> after the tool was stopped.
    /// </summary>
    public static async Task<(int ExitCode, string Output)?> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
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
        deadline.CancelAfter(timeout);
        try
        {
            var output = await stdout.ReadToEndAsync(deadline.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return (process.ExitCode, output);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            return null;
        }
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
}
