using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>The built agent against Mosquitto: TLS with a private CA (<c>Mqtt:CaFile</c>), and the broker's Will after a crash.</summary>
public sealed class EdgeTlsAndWillTests : IDisposable
{
    private readonly string _dir = ServerProcess.CreateTempDirectory("edge-tls");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string StatusTopic(string device) => $"ci/v1/3548906/luminaire/{device}/status";

    private EdgeChild StartAgent(string device, int port, params string[] extra)
    {
        var state = Directory.CreateDirectory(Path.Combine(_dir, device)).FullName;
        return new EdgeChild([
            "run", "--config", Path.Combine(_dir, "none.json"),
            "--Device:Id", device, "--Device:City", "3548906", "--Device:Kind", "luminaire",
            "--Device:Latitude", "-22.0175", "--Device:Longitude", "-47.8908", "--Device:StateDirectory", state,
            "--Mqtt:Port", port.ToString(CultureInfo.InvariantCulture), "--Mqtt:Password", "test-secret-0123456789",
            "--Hardware:Mode", "Simulated", "--Telemetry:IntervalSeconds", "1", .. extra,
        ]);
    }

    /// <summary>Subscribes afresh (clean session) and returns the retained status of <paramref name="device"/>, if any arrives.</summary>
    private static async Task<DeviceStatus?> RetainedStatusAsync(int port, string device, TimeSpan wait)
    {
        await using var client = new MqttClient(new MqttClientOptions { Port = port, ClientId = "probe-" + Guid.NewGuid().ToString("N")[..8], AutoReconnect = false });
        await client.ConnectAsync();
        await client.SubscribeAsync(StatusTopic(device), 1);
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var m = await client.Messages.ReadAsync(timeout.Token);
            return JsonSerializer.Deserialize(m.Payload.Span, TelemetryJson.Default.DeviceStatus);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<DeviceStatus> WaitForStatusAsync(int port, string device, string state, EdgeChild edge, TimeSpan timeout)
    {
        DeviceStatus? last = null;
        await Wait.UntilAsync(async () => (last = await RetainedStatusAsync(port, device, TimeSpan.FromSeconds(1)))?.State == state,
            $"retained status '{state}' of {device} (last: {last?.State ?? "none"})\n{edge.Output}", timeout);
        return last!;
    }

    /// <summary>
    /// A private CA (PEM) and a server certificate it issued for <paramref name="serverName"/> (with 127.0.0.1 when
    /// <paramref name="loopbackIp"/>), with its key; the CA certificate returned holds its private key, to issue more.
    /// </summary>
    private (X509Certificate2 Ca, string CaPem, string CertPem, string KeyPem) CreateCa(string name, string serverName = "localhost", bool loopbackIp = true)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var caPem = Path.Combine(_dir, name + "-ca.pem");
        File.WriteAllText(caPem, ca.ExportCertificatePem());
        var (certPem, keyPem) = Issue(ca, name + "-server", serverName, loopbackIp);
        return (ca, caPem, certPem, keyPem);
    }

    private (string CertPem, string KeyPem) Issue(X509Certificate2 ca, string name, string serverName, bool loopbackIp)
    {
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + serverName, serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(serverName);
        if (loopbackIp)
        {
            san.AddIpAddress(IPAddress.Loopback);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));
        var paths = (Path.Combine(_dir, name + ".pem"), Path.Combine(_dir, name + ".key"));
        File.WriteAllText(paths.Item1, server.ExportCertificatePem());
        File.WriteAllText(paths.Item2, serverKey.ExportPkcs8PrivateKeyPem());
        return paths;
    }

    [Fact]
    public async Task Agent_trusts_the_private_ca_in_CaFile_and_refuses_a_broker_from_another_ca_without_crashing()
    {
        var (ca, caPem, certPem, keyPem) = CreateCa("city");
        using var cityCa = ca;
        var (otherCa, otherCaPem, _, _) = CreateCa("other");
        otherCa.Dispose();
        Issue(ca, "misnamed", "elsewhere.example", loopbackIp: false); // the right CA, but not for the host the agent dials
        var tlsPort = FreePort.Next();
        var misnamedPort = FreePort.Next();
        await using var broker = await MosquittoServer.StartAsync(
            $"listener {tlsPort} 127.0.0.1\ncertfile {certPem}\nkeyfile {keyPem}\n" +
            $"listener {misnamedPort} 127.0.0.1\ncertfile {Path.Combine(_dir, "misnamed.pem")}\nkeyfile {Path.Combine(_dir, "misnamed.key")}");
        var tlsArgs = new[] { "--Mqtt:Host", "127.0.0.1", "--Mqtt:Tls", "true" };

        using (var trusted = StartAgent("sc-lum-tls01", tlsPort, [.. tlsArgs, "--Mqtt:CaFile", caPem]))
        {
            var status = await WaitForStatusAsync(broker.Port, "sc-lum-tls01", "online", trusted, TimeSpan.FromSeconds(30));
            Assert.Equal("luminaire", status.Kind);
            Assert.Equal(0, trusted.Stop(TimeSpan.FromSeconds(30)));
        }

        using var wary = StartAgent("sc-lum-tls02", tlsPort, [.. tlsArgs, "--Mqtt:CaFile", otherCaPem]);
        await Wait.UntilAsync(() => wary.Output.Contains("TLS to the broker 127.0.0.1:" + tlsPort.ToString(CultureInfo.InvariantCulture) + " refused", StringComparison.Ordinal),
            "the agent logs the refused certificate\n" + wary.Output, TimeSpan.FromSeconds(30));
        Assert.Contains("Mqtt:CaFile", wary.Output, StringComparison.Ordinal);
        Assert.Null(await RetainedStatusAsync(broker.Port, "sc-lum-tls02", TimeSpan.FromSeconds(1)));
        Assert.False(wary.HasExited, "the agent must keep running (and queueing) when the broker's certificate is refused\n" + wary.Output);
        Assert.Equal(0, wary.Stop(TimeSpan.FromSeconds(30)));

        using var misnamed = StartAgent("sc-lum-tls03", misnamedPort, [.. tlsArgs, "--Mqtt:CaFile", caPem]);
        await Wait.UntilAsync(() => misnamed.Output.Contains("RemoteCertificateNameMismatch", StringComparison.Ordinal),
            "the agent refuses a certificate of its CA issued for another host name\n" + misnamed.Output, TimeSpan.FromSeconds(30));
        Assert.Contains("TLS to the broker 127.0.0.1:" + misnamedPort.ToString(CultureInfo.InvariantCulture) + " refused", misnamed.Output, StringComparison.Ordinal);
        Assert.Null(await RetainedStatusAsync(broker.Port, "sc-lum-tls03", TimeSpan.FromSeconds(1)));
        Assert.Equal(0, misnamed.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Killed_agent_leaves_the_brokers_retained_offline_will()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var edge = StartAgent("sc-lum-will01", broker.Port);
        await WaitForStatusAsync(broker.Port, "sc-lum-will01", "online", edge, TimeSpan.FromSeconds(30));

        edge.Kill(); // SIGKILL: no shutdown status, only the broker's Will can say the device is gone
        var will = await WaitForStatusAsync(broker.Port, "sc-lum-will01", "offline", edge, TimeSpan.FromSeconds(30));
        Assert.Null(will.Reason); // the Will, not the clean-shutdown status (reason "shutdown")
    }
}
