using System.Diagnostics;
using System.Text;
using CidadesInteligentes.Testing;

namespace CidadesInteligentes.Cloud.Tests.Host;

/// <summary>The cloud host as a separate process (for kill -9 and multi-instance tests), on loopback free ports.</summary>
internal sealed class CloudProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CloudProcess(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public int HttpPort { get; }
    public HttpClient Http { get; }
    public int ProcessId => _process.Id;

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

    public static async Task<CloudProcess> StartAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CidadesInteligentes.Cloud.dll");
        var httpPort = FreePort.Next();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in (string[])["--urls", $"http://127.0.0.1:{httpPort}", "--Reports:Enabled", "false", .. args])
        {
            info.ArgumentList.Add(a);
        }
        var p = new Process { StartInfo = info };
        var cp = new CloudProcess(p, httpPort);
        p.OutputDataReceived += (_, e) => cp.Append(e.Data);
        p.ErrorDataReceived += (_, e) => cp.Append(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await Wait.UntilAsync(async () =>
        {
            if (p.HasExited)
            {
                throw new InvalidOperationException($"the cloud process exited with {p.ExitCode}: {cp.Output}");
            }
            try
            {
                return (await cp.Http.GetAsync("/healthz")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "cloud process healthy", TimeSpan.FromSeconds(30));
        return cp;
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

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }
}
