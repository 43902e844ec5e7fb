using System.Diagnostics;
using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>Runs a program, or the built agent as user and group nobody (65534): a technician who forgot sudo.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class AsNobody
{
    public static (int Code, string Output) Agent(params string[] args) =>
        Run(ServerProcess.Locate("setpriv", "util-linux"),
            ["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", "exec", Path.Combine(ReadableCopy.Value, Path.GetFileName(typeof(EdgeProgram).Assembly.Location)), .. args]);

    // nobody may not be able to reach the build output (a clone under /root is 0700): the agent runs from a copy of
    // it that everyone can read, made once per test run and removed when the run ends
    private static readonly Lazy<string> ReadableCopy = new(() =>
    {
        var from = Path.GetDirectoryName(typeof(EdgeProgram).Assembly.Location)!;
        var to = Directory.CreateTempSubdirectory("edge-as-nobody-").FullName;
        const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(to, Open);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir))).FullName, Open);
        }
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(to, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return to;
    });

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
