using System.Collections.Concurrent;
using System.Diagnostics;
using CidadesInteligentes.Edge.Hosting;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>The built edge agent (<c>dotnet exec CidadesInteligentes.Edge.dll</c>) as a child process.</summary>
internal sealed class EdgeChild : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    public EdgeChild(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(EdgeProgram).Assembly.Location);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>Sends SIGTERM (what systemd sends on stop) and waits for the exit code.</summary>
    public static void Terminate(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public int Stop(TimeSpan timeout)
    {
        Terminate(_process.Id);
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("edge agent did not stop on SIGTERM:\n" + Output);
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the agent at once (SIGKILL), as a crash or a power cut would: no goodbye to the broker.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
