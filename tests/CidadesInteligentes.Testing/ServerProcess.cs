using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CidadesInteligentes.Testing;

/// <summary>
/// A real server binary started for a test on loopback, with its own temp directory; killed and cleaned up on dispose.
/// A missing binary is a failure with a clear message, never a skip.
/// </summary>
public class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    protected ServerProcess(string name, string executable, string arguments, string directory)
    {
        Name = name;
        Directory = directory;
        var path = Locate(executable, name);
        var info = new ProcessStartInfo(path, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The server's private temp directory (config, data); deleted on dispose.</summary>
    public string Directory { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string CreateTempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ci-{prefix}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Finds an executable on PATH or in the usual Debian sbin folders.</summary>
    public static string Locate(string executable, string packageHint)
    {
        if (Path.IsPathRooted(executable) && File.Exists(executable))
        {
            return executable;
        }
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"]);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, Path.GetFileName(executable));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            $"'{executable}' was not found. Install the Debian package '{packageHint}' (scripts/test.sh does this) and run the tests again.");
    }

    /// <summary>Waits until the server accepts TCP connections on the port, or fails with its output.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before listening on {port}:\n{Output}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"{Name} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds} s: {ex.Message}\n{Output}");
            }
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash or power cut would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        await Task.Yield();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless; never fail a test over cleanup
        }
        GC.SuppressFinalize(this);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
