using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class ShutdownTests
{
    [Fact]
    public async Task Sigterm_stops_the_simulator_cleanly_like_ctrl_c()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var sink = new StatusSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "ci-sim-term-" + Guid.NewGuid().ToString("N"));
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToString("o", CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "CidadesInteligentes.FirmwareSim.dll"),
            "--Mqtt:Port", broker.Port.ToString(CultureInfo.InvariantCulture), "--Fleet:Cities", "1",
            "--Fleet:LuminairesPerCity", "2", "--Fleet:HotspotsPerCity", "1", "--Fleet:DataDirectory", data,
            "--Clock:Start", start, "--Clock:Until", "live", "--Clock:Speed", "max", "--Fault:None", "true",
        })
        {
            psi.ArgumentList.Add(a);
        }
        using var sim = Process.Start(psi)!;
        var output = sim.StandardOutput.ReadToEndAsync();
        var errors = sim.StandardError.ReadToEndAsync();
        try
        {
            await CidadesInteligentes.Testing.Wait.UntilAsync(() => sink.Online.Count >= 3 || sim.HasExited, "the 3 devices online (or the simulator gone)", TimeSpan.FromSeconds(60));
            Assert.Equal(3, sink.Online.Count);
            using (var kill = Process.Start("kill", ["-TERM", sim.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await sim.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(sim.ExitCode == 0, $"exit {sim.ExitCode}: {await output} {await errors}");
            // every device said goodbye (offline/shutdown) instead of leaving the broker to publish its will
            Assert.Equal(3, sink.Shutdown.Count);
            // and flushed its energy register
            Assert.All(Directory.GetDirectories(data, "*-lum-*"), d => Assert.True(File.Exists(Path.Combine(d, "energy.wh")), d));
        }
        finally
        {
            if (!sim.HasExited)
            {
                sim.Kill(entireProcessTree: true);
            }
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Cancelling_during_a_broker_outage_still_delivers_what_the_devices_had_queued()
    {
        var sink = new StatusSink();
        await using var broker = new MqttBroker(new BrokerOptions { Port = 0 }, sink: sink);
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2), TimeSpan.Zero);
        using var cts = new CancellationTokenSource();
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 1,
            LuminairesPerCity = 3,
            HotspotsPerCity = 1,
            Start = start,
            Until = start.AddDays(1),
            LoadMode = true,
            TelemetryIntervalSeconds = 900,
            Seed = 2,
            Failures = FailureRates.None,
            // Ctrl+C half-way through a simulated broker outage
            Progress = new CancelAt(start.AddHours(3), cts),
        };
        await using var fleet = new FleetSimulator(options);
        fleet.Failures.BrokerOutage.Force(start.AddHours(1), TimeSpan.FromHours(6));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fleet.RunAsync(cts.Token).WaitAsync(TimeSpan.FromMinutes(1)));

        var queued = fleet.Luminaires.Sum(l => l.Outbox.Queued) + fleet.Hotspots.Sum(h => h.Outbox.Queued);
        Assert.True(queued > 40);
        Assert.Equal(0, fleet.Luminaires.Sum(l => l.Outbox.PendingCount) + fleet.Hotspots.Sum(h => h.Outbox.PendingCount));
        Assert.Equal(queued, sink.Sequenced);
    }

    [Fact]
    public async Task Cancelling_after_the_broker_went_away_does_not_wait_for_the_drain_timeout()
    {
        var broker = new MqttBroker(new BrokerOptions { Port = 0 });
        await broker.StartAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2), TimeSpan.Zero);
        using var cts = new CancellationTokenSource();
        Task? stopped = null;
        var options = new FleetOptions
        {
            MqttPort = broker.Port,
            Cities = 1,
            LuminairesPerCity = 3,
            HotspotsPerCity = 1,
            Start = start,
            Until = start.AddDays(1),
            LoadMode = true,
            Failures = FailureRates.None,
            // the demo's Ctrl+C stops the cloud (and its broker) and the simulator together
            Progress = new CancelAt(start.AddHours(3), cts, () => stopped ??= broker.DisposeAsync().AsTask()),
        };
        await using var fleet = new FleetSimulator(options);
        fleet.Failures.BrokerOutage.Force(start.AddHours(1), TimeSpan.FromHours(6));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fleet.RunAsync(cts.Token).WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(clock.Elapsed < FleetSimulator.ShutdownDrainTimeout - TimeSpan.FromSeconds(5), $"stopped after {clock.Elapsed}");
        await stopped!;
    }

    private sealed class CancelAt(DateTimeOffset at, CancellationTokenSource cts, Action? before = null) : IProgress<FleetProgress>
    {
        public void Report(FleetProgress value)
        {
            if (value.SimulatedTime >= at)
            {
                before?.Invoke();
                cts.Cancel();
            }
        }
    }

    private sealed class StatusSink : IBrokerMessageSink
    {
        public ConcurrentDictionary<string, bool> Online { get; } = new();

        public ConcurrentDictionary<string, bool> Shutdown { get; } = new();

        public long Sequenced;

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            if (!message.Topic.EndsWith("/status", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref Sequenced);
            }
            else
            {
                var text = Encoding.UTF8.GetString(message.Payload.Span);
                if (text.Contains("\"online\"", StringComparison.Ordinal))
                {
                    Online[message.Topic] = true;
                }
                else if (text.Contains("\"shutdown\"", StringComparison.Ordinal))
                {
                    Shutdown[message.Topic] = true;
                }
            }
            return ValueTask.FromResult(ReasonCodes.Success);
        }
    }
}
