using System.Diagnostics;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>Runs a program, or the built agent as user and group nobody (65534): a technician who forgot sudo.</summary>
internal static class AsNobody
{
    public static (int Code, string Output) Agent(params string[] args) =>
        Run(ServerProcess.Locate("setpriv", "util-linux"),
            ["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", "exec", typeof(EdgeProgram).Assembly.Location, .. args]);

    public static (int Code, string Output) Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish in 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
