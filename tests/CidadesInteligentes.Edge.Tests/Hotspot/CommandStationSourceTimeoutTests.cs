using System.Collections.Concurrent;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

/// <summary>
/// A hung <c>iw</c> (a wedged driver, a netlink call that never returns) must not hold the hotspot's probe loop: the
/// run is stopped after its timeout, with its children, and that report has no stations. Runs alone (it changes PATH
/// and counts this process's pipes).
/// </summary>
[Collection(nameof(CommandStationSourcePipeTests))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // a shell script for iw, /proc for pipes and processes
public sealed class CommandStationSourceTimeoutTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly string _dir = ServerProcess.CreateTempDirectory("hung-iw");
    private readonly ConcurrentQueue<string> _log = new();
    private readonly string? _path = Environment.GetEnvironmentVariable("PATH");

    public CommandStationSourceTimeoutTests()
    {
        // iw that never answers, with a child holding its output pipe open (as a tool blocked in a helper would)
        var iw = Path.Combine(_dir, "iw");
        File.WriteAllText(iw, $"#!/bin/sh\necho $$ > {_dir}/iw.pid\nsleep 100000 &\necho $! > {_dir}/sleep.pid\nwait\n");
        File.SetUnixFileMode(iw, (UnixFileMode)Convert.ToInt32("755", 8));
        Environment.SetEnvironmentVariable("PATH", _dir + ":" + _path);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", _path);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_hung_iw_is_stopped_with_its_children_and_leaks_no_pipe()
    {
        var source = CommandStationSource.Iw("wlan0", new ListLogger(_log), Timeout);
        await Assert.ThrowsAsync<InvalidOperationException>(() => source.ReadAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        var before = OpenPipes();

        for (var i = 0; i < 5; i++)
        {
            File.Delete(Path.Combine(_dir, "sleep.pid"));
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => source.ReadAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("iw did not answer within 1 s", error.Message, StringComparison.Ordinal);
            Assert.False(ProcessState.IsRunning(Pid("iw.pid")), "iw was left running"); // collected before the read returned
            await Wait.UntilAsync(() => !ProcessState.IsRunning(Pid("sleep.pid")), "iw's child stopped", TimeSpan.FromSeconds(10));
        }

        Assert.InRange(OpenPipes() - before, -10, 0);
        Assert.Equal(6, _log.Count);
        Assert.All(_log, l => Assert.Equal("Warning iw did not answer within 1 s and was stopped: this report counts no Wi-Fi clients", l));
    }

    [Fact]
    public async Task The_report_goes_out_without_stations_instead_of_waiting_for_a_hung_iw()
    {
        using var http = new HttpClient();
        var time = TimeProvider.System;
        using var unique = new UniqueClientCounter(time);
        var probes = new HotspotProbes(new TcpProbe(time, TimeSpan.FromSeconds(1)), new CaptivePortalProbe(http), new ThroughputProbe(http, time));
        var sampler = new HotspotSampler(new HotspotSamplerSettings([], new Uri($"http://127.0.0.1:{FreePort.Next()}/")),
            CommandStationSource.Iw("wlan0", new ListLogger(_log), Timeout), new WanCounterReader("eth0", _dir), unique, probes, () => 60, time);

        var telemetry = await sampler.SampleAsync(runThroughput: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, telemetry.Clients);
        Assert.Single(_log);
    }

    private int Pid(string file) => int.Parse(File.ReadAllText(Path.Combine(_dir, file)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static int OpenPipes() =>
        new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Count(f => f.LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true);

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {formatter(state, exception)}");
    }
}
