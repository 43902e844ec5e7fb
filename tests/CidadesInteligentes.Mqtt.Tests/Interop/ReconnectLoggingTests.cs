using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Interop;

/// <summary>A broker that goes away shows in the log as bounded warnings with the reason, and its return as one line.</summary>
public sealed class ReconnectLoggingTests
{
    [Fact]
    public async Task Failed_reconnects_warn_with_the_reason_boundedly_and_the_reconnect_is_logged_once()
    {
        var first = await MosquittoServer.StartAsync();
        var port = first.Port;
        var log = new CapturingLogger();
        await using var client = new MqttClient(
            new MqttClientOptions
            {
                Port = port,
                ClientId = "edge",
                ReconnectMinDelay = TimeSpan.FromMilliseconds(5),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(10),
            },
            log);
        await client.ConnectAsync();
        await first.DisposeAsync(); // killed: nothing listens on the port any more

        await Wait.UntilAsync(() => log.Count(IsFailure) >= 35, "35 failed reconnect attempts");
        var entries = log.Snapshot();
        var failures = entries.Count(IsFailure);
        var warnings = entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("reconnect", StringComparison.Ordinal)).ToList();
        Assert.InRange(warnings.Count, 4, (failures / 10) + 1);
        Assert.All(warnings, w => Assert.Contains("refused", w.Message, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("(attempt 1,", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("(attempt 10,", warnings[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => e.Level == LogLevel.Information && e.Message.Contains("reconnected", StringComparison.Ordinal));

        await using var second = await MosquittoServer.StartAsync(port: port);
        await Wait.ForAsync(client.WaitConnectedAsync(), "client reconnects by itself", TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => log.Count(e => e.Level == LogLevel.Information) >= 1, "the reconnect line");
        var reconnected = Assert.Single(log.Snapshot(), e => e.Level == LogLevel.Information);
        Assert.Contains($"reconnected to 127.0.0.1:{port} after", reconnected.Message, StringComparison.Ordinal);
    }

    private static bool IsFailure(LogEntry e) => e.Message.Contains("reconnect", StringComparison.Ordinal) && e.Message.Contains("failed", StringComparison.Ordinal);
}
