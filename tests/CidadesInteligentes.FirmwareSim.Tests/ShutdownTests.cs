using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
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
            var until = DateTime.UtcNow.AddSeconds(60);
            while (sink.Online.Count < 3 && DateTime.UtcNow < until && !sim.HasExited)
            {
                await Task.Delay(100);
            }
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

    private sealed class StatusSink : IBrokerMessageSink
    {
        public ConcurrentDictionary<string, bool> Online { get; } = new();

        public ConcurrentDictionary<string, bool> Shutdown { get; } = new();

        public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct)
        {
            if (message.Topic.EndsWith("/status", StringComparison.Ordinal))
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
