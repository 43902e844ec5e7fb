using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>MQTT over TLS: our client and broker, our client against Mosquitto's TLS listener, and mosquitto_sub against ours.</summary>
public sealed class TlsTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private static MqttTls Trusting(X509Certificate2 expected) => new(new SslClientAuthenticationOptions
    {
        TargetHost = "localhost",
        // trust exactly this certificate (pinning), nothing else
        RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == expected.GetCertHashString(),
    });

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Our_client_publishes_and_receives_over_our_brokers_tls_listener(MqttProtocolVersion v)
    {
        using var cert = SelfSigned();
        await using var broker = new MqttBroker(new BrokerOptions { Port = -1, TlsPort = 0, TlsCertificate = cert });
        await broker.StartAsync();
        Assert.True(broker.TlsPort > 0);
        await using var sub = new MqttClient(new MqttClientOptions { Port = broker.TlsPort, ClientId = "tls-sub", Version = v, Tls = Trusting(cert) });
        await sub.ConnectAsync();
        await sub.SubscribeAsync("tls/#", 1);
        await using var pub = new MqttClient(new MqttClientOptions { Port = broker.TlsPort, ClientId = "tls-pub", Version = v, Tls = Trusting(cert) });
        await pub.ConnectAsync();
        await pub.PublishAsync("tls/a", "secret", 1);
        var m = await Wait.ForAsync(sub.Messages.ReadAsync().AsTask(), "message over TLS");
        Assert.Equal("secret", System.Text.Encoding.UTF8.GetString(m.Payload.Span));

        // a client that does not trust the certificate is refused by its own TLS check
        await using var wary = new MqttClient(new MqttClientOptions
        {
            Port = broker.TlsPort, ClientId = "tls-wary", Version = v, AutoReconnect = false,
            Tls = new MqttTls(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => false }),
        });
        await Assert.ThrowsAnyAsync<Exception>(() => wary.ConnectAsync());
    }

    [Fact]
    public async Task Our_client_talks_to_mosquittos_tls_listener_and_mosquitto_sub_to_ours()
    {
        using var cert = SelfSigned();
        var dir = ServerProcess.CreateTempDirectory("tls");
        var certPem = Path.Combine(dir, "cert.pem");
        var keyPem = Path.Combine(dir, "key.pem");
        await File.WriteAllTextAsync(certPem, cert.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPem, cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var tlsPort = FreePort.Next();
        await using var mosquitto = await MosquittoServer.StartAsync($"listener {tlsPort} 127.0.0.1\ncertfile {certPem}\nkeyfile {keyPem}\nallow_anonymous true");
        await using (var c = new MqttClient(new MqttClientOptions { Port = tlsPort, ClientId = "tls-mq", Tls = Trusting(cert) }))
        {
            await c.ConnectAsync();
            await c.SubscribeAsync("t/#", 1);
            await c.PublishAsync("t/x", "via mosquitto tls", 1);
            var m = await Wait.ForAsync(c.Messages.ReadAsync().AsTask(), "echo from Mosquitto over TLS");
            Assert.Equal("via mosquitto tls", System.Text.Encoding.UTF8.GetString(m.Payload.Span));
        }

        await using var broker = new MqttBroker(new BrokerOptions { Port = -1, TlsPort = 0, TlsCertificate = cert });
        await broker.StartAsync();
        var info = new System.Diagnostics.ProcessStartInfo(MosquittoServer.Tool("mosquitto_sub")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-h", "localhost", "-p", broker.TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", certPem, "-t", "s/#", "-C", "1", "-q", "1", "-W", "15"])
        {
            info.ArgumentList.Add(a);
        }
        using var p = System.Diagnostics.Process.Start(info)!;
        await Wait.UntilAsync(() => broker.ConnectedClients is [var sub] && broker.SubscriptionsOf(sub).Contains("s/#"), "mosquitto_sub connected over TLS and subscribed");
        await using var pub = new MqttClient(new MqttClientOptions { Port = broker.TlsPort, ClientId = "tls-pub2", Tls = Trusting(cert) });
        await pub.ConnectAsync();
        await pub.PublishAsync("s/y", "to mosquitto_sub", 1);
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await p.StandardError.ReadToEndAsync());
        Assert.Equal("to mosquitto_sub", output.Trim());
        Directory.Delete(dir, true);
    }
}
