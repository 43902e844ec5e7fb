using Xunit;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Tests.Agents;

/// <summary>The uplink retries its very first connection itself (the MQTT client only reconnects after a first success).</summary>
public sealed partial class UplinkFirstConnectTests
{
    private static readonly DeviceIdentity Identity = new("sc-wifi-first", "3548906", DeviceKind.Hotspot, "2.0.0");

    [Fact]
    public async Task Keeps_queueing_with_no_broker_then_delivers_birth_and_backlog_in_seq_order_once_when_the_broker_appears()
    {
        // The observer's persistent session is made on a first broker run, so that nothing the uplink sends once the
        // broker is back can slip past it; then nothing listens on the port: connection refused.
        var port = FreePort.Next();
        var dir = ServerProcess.CreateTempDirectory("mosquitto-first");
        var observerOptions = new MqttClientOptions { Port = port, ClientId = "observer-first-connect", CleanStart = false, SessionExpirySeconds = 3600 };
        var before = await MosquittoServer.StartAsync(port: port, directory: dir);
        await using (var subscriber = new MqttClient(observerOptions))
        {
            await subscriber.ConnectAsync();
            await subscriber.SubscribeAsync("ci/v1/3548906/hotspot/sc-wifi-first/#", 1);
            await subscriber.DisconnectAsync(withWill: false, CancellationToken.None);
        }
        // SIGTERM: Mosquitto writes its sessions to disk as it exits (the restart below must find the observer's);
        // not disposed, so the directory and its persistence file stay for the restart
        Host.EdgeChild.Terminate(before.ProcessId);
        await Wait.UntilAsync(() => before.HasExited, "mosquitto saved its sessions and exited");

        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var outbox = new MemoryOutbox();
        var agent = new HotspotAgent(Identity, outbox, null, time);
        var log = new ConcurrentQueue<(LogLevel Level, string Text)>();
        await using var uplink = new Uplink(agent, new UplinkOptions("127.0.0.1", port, "secret-not-checked-here")
        {
            DrainPerSecond = 1000,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
        }, logger: new CapturingLogger(log));
        var start = uplink.StartAsync(CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            Report(agent, time, i);
        }
        await Wait.UntilAsync(() => uplink.FailedConnectAttempts >= 3, "several failed first-connect attempts");
        Report(agent, time, 5);
        Assert.False(start.IsCompleted, "StartAsync keeps retrying while no broker listens");
        Assert.False(uplink.IsConnected);
        Assert.Equal(6, outbox.PendingCount); // every report queued, nothing lost
        Assert.Contains(log, l => l.Level == LogLevel.Warning && l.Text.Contains($"cannot connect to 127.0.0.1:{port} (attempt 1,", StringComparison.Ordinal));

        await using var broker = await MosquittoServer.StartAsync(port: port, directory: dir);
        var received = new ConcurrentQueue<(string Topic, byte[] Payload)>();
        await using var observer = new MqttClient(observerOptions);
        Assert.True((await observer.ConnectAsync()).SessionPresent); // the subscription survived the restart
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var m in observer.Messages.ReadAllAsync(cts.Token))
            {
                received.Enqueue((m.Topic, m.Payload.ToArray()));
            }
        });

        // The back-off is capped at 300 ms: connected well within the bound.
        await Wait.ForAsync(start, "the uplink connects once the broker listens", TimeSpan.FromSeconds(10));
        Assert.True(uplink.IsConnected);
        Assert.Equal(0, uplink.FailedConnectAttempts);
        await Wait.UntilAsync(() => outbox.PendingCount == 0 && received.Count(r => r.Topic.EndsWith("/telemetry", StringComparison.Ordinal)) >= 6,
            "backlog delivered", TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => received.Any(r => r.Topic.EndsWith("/status", StringComparison.Ordinal)), "birth status", TimeSpan.FromSeconds(10));
        // one more report after the backlog: anything the uplink sent before it (a duplicate too) arrives before it
        Report(agent, time, 6);
        uplink.Nudge();
        await Wait.UntilAsync(() => received.Count(r => r.Topic.EndsWith("/telemetry", StringComparison.Ordinal)) >= 7, "the report after the backlog", TimeSpan.FromSeconds(10));

        var status = received.Where(r => r.Topic.EndsWith("/status", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.DeviceStatus)!).First();
        Assert.Equal("online", status.State);
        var seqs = received.Where(r => r.Topic.EndsWith("/telemetry", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize(r.Payload, TelemetryJson.Default.HotspotTelemetry)!.Seq!.Value).ToList();
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), seqs); // in seq order, each once
        Assert.Equal(7, uplink.Published);

        await uplink.StopAsync(TimeSpan.FromSeconds(2));
        await cts.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_refused_tls_certificate_is_retried_and_explained_on_the_first_failure_and_every_tenth()
    {
        using var cert = SelfSignedCertificate();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource();
        var server = ServeTlsAsync(listener, cert, cts.Token);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var agent = new HotspotAgent(Identity, new MemoryOutbox(), null, new ManualTimeProvider(DateTimeOffset.UtcNow));
        var log = new ConcurrentQueue<(LogLevel Level, string Text)>();
        var uplink = new Uplink(agent, new UplinkOptions("127.0.0.1", port, "secret-not-checked-here")
        {
            Tls = new MqttTls(new SslClientAuthenticationOptions { TargetHost = "localhost" }), // self-signed: not trusted
            ReconnectMinDelay = TimeSpan.FromMilliseconds(5),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(20),
            DescribeConnectFailure = e => e is AuthenticationException ? "TLS refused in plain words" : null,
        }, logger: new CapturingLogger(log));
        var start = uplink.StartAsync(CancellationToken.None);

        await Wait.UntilAsync(() => uplink.FailedConnectAttempts >= 12, "a dozen refused handshakes", TimeSpan.FromSeconds(30));
        Assert.False(start.IsCompleted, "a refused certificate must not end the first-connect retries");
        var warnings = log.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text).ToList();
        Assert.All(warnings, w => Assert.StartsWith("TLS refused in plain words (attempt ", w, StringComparison.Ordinal));
        var warned = warnings.Select(w => int.Parse(AttemptPattern().Match(w).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([1, 10], warned.Take(2));
        Assert.All(warned, a => Assert.True(a == 1 || a % 10 == 0, $"attempt {a} logged at Warning"));
        Assert.Contains(log, l => l.Level == LogLevel.Debug && l.Text.Contains("connect attempt 2 ", StringComparison.Ordinal));

        await uplink.DisposeAsync(); // ends the retries
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(start, "StartAsync ends when the uplink is disposed"));
        await cts.CancelAsync();
        listener.Stop();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static void Report(HotspotAgent agent, ManualTimeProvider time, int i)
    {
        time.Advance(TimeSpan.FromSeconds(60));
        agent.Report(time.GetUtcNow(), new HotspotTelemetry { BackhaulUp = true, PortalOk = true, Clients = i, UniqueClientsToday = i, RxBytes = i, TxBytes = i });
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    private static async Task ServeTlsAsync(TcpListener listener, X509Certificate2 cert, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var socket = await listener.AcceptTcpClientAsync(ct);
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    await using var ssl = new SslStream(socket.GetStream());
                    try
                    {
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = cert }, ct);
                    }
                    catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
                    {
                    }
                }
            }, CancellationToken.None);
        }
    }

    [GeneratedRegex(@"\(attempt (\d+),")]
    private static partial Regex AttemptPattern();
}
