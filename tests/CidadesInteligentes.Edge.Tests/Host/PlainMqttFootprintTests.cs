using System.Text;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

/// <summary>
/// An agent on plain MQTT never loads TLS, the framework's cryptography or OpenSSL: together 4–5 MB of its resident
/// memory (docs/performance.md, "Edge agent footprint"). Easy to lose again by naming an SslStream, X509 or
/// RandomNumberGenerator type in a method every agent runs, hence this check on the running process. Nor System.Linq
/// (~0.4 MB framework-dependent): one <c>Select</c> or <c>ToList</c> in a method the agent runs maps it again.
/// </summary>
public sealed class PlainMqttFootprintTests : IDisposable
{
    private readonly string _state = ServerProcess.CreateTempDirectory("edge-footprint");

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Theory]
    [InlineData("luminaire", "sc-lum-fp0001")]
    [InlineData("hotspot", "sc-wifi-fp01")]
    public async Task A_plain_mqtt_agent_loads_no_tls_cryptography_openssl_or_linq(string kind, string device)
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var observer = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "fp-" + device });
        await observer.ConnectAsync();
        await observer.SubscribeAsync($"ci/v1/3548906/{kind}/{device}/telemetry", 1);
        var state = Path.Combine(_state, kind);
        using var edge = new EdgeChild([
            "run", "--config", Path.Combine(_state, "none.json"),
            "--Device:Id", device, "--Device:City", "3548906", "--Device:Kind", kind,
            "--Device:Latitude", "-22.0175", "--Device:Longitude", "-47.8908", "--Device:StateDirectory", state,
            "--Mqtt:Port", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Mqtt:Password", "test-secret-0123456789",
            "--Hardware:Mode", "Simulated", "--Telemetry:IntervalSeconds", "1",
        ]);
        // two telemetry reports: connected, the sampler/controller and the hotspot's unique-client key set up, a report built
        for (var i = 0; i < 2; i++)
        {
            var m = await Wait.ForAsync(observer.Messages.ReadAsync().AsTask(), "telemetry\n" + edge.Output, TimeSpan.FromSeconds(30));
            Assert.Contains("\"seq\"", Encoding.UTF8.GetString(m.Payload.Span), StringComparison.Ordinal);
        }
        var mapped = File.ReadAllLines($"/proc/{edge.ProcessId}/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6)
            .Select(f => Path.GetFileName(f[5]))
            .ToHashSet();
        Assert.Contains("CidadesInteligentes.Edge.Core.dll", mapped); // the check reads the right process
        string[] unwanted = ["libssl.so.3", "libcrypto.so.3", "libSystem.Security.Cryptography.Native.OpenSsl.so", "System.Net.Security.dll", "System.Security.Cryptography.dll", "System.Linq.dll"];
        var loaded = unwanted.Where(mapped.Contains).ToList();
        Assert.True(loaded.Count == 0, $"a plain-MQTT {kind} loaded {string.Join(", ", loaded)}");
    }
}
