using System.Net.Http.Json;
using System.Text.Json;
using CidadesInteligentes.Cloud.Hosting;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CidadesInteligentes.Cloud.Tests.Host;

/// <summary>The real cloud host in-process: embedded broker on a free port, SQLite in a temp directory, HTTP on a free port.</summary>
internal sealed class CloudApp : IAsyncDisposable
{
    private readonly List<MqttClient> _clients = [];

    private CloudApp(WebApplication app, string dir, bool ownsDir)
    {
        App = app;
        Directory = dir;
        OwnsDirectory = ownsDir;
        Http = new HttpClient { BaseAddress = new Uri(CloudHost.HttpAddress(app)) };
    }

    public WebApplication App { get; }
    public string Directory { get; }
    private bool OwnsDirectory { get; }
    public HttpClient Http { get; }
    public int BrokerPort => App.Services.GetRequiredService<MqttBroker>().Port;
    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<CloudApp> StartAsync(string? dataDir = null, params string[] extra)
    {
        var dir = dataDir ?? System.IO.Directory.CreateTempSubdirectory("ci-cloud-").FullName;
        // port 0: Kestrel binds a port the kernel picks, so two tests can never race for one (a free port picked before
        // binding was taken by another test process in between once: "address already in use")
        string[] args = ["--urls", "http://127.0.0.1:0", "--Broker:Port", "0", "--Storage:Directory", dir, "--Reports:Enabled", "false", .. extra];
        var app = CloudHost.Build(args, out var problems) ?? throw new InvalidOperationException("cloud did not build: " + string.Join("; ", problems));
        await app.StartAsync();
        return new CloudApp(app, dir, dataDir is null);
    }

    public async Task<MqttClient> DeviceAsync(string id, string? password = null, MqttProtocolVersion version = MqttProtocolVersion.V500, bool clean = true)
    {
        var c = new MqttClient(new MqttClientOptions
        {
            Port = BrokerPort,
            ClientId = id,
            Username = id,
            Password = password,
            Version = version,
            CleanStart = clean,
            SessionExpirySeconds = clean ? 0u : 3600u,
            AutoReconnect = false,
        });
        _clients.Add(c);
        await c.ConnectAsync();
        return c;
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients)
        {
            await c.DisposeAsync();
        }
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (OwnsDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Contract payloads for tests.</summary>
internal static class Payload
{
    public const string City = "3548906"; // São Carlos

    public static string Topic(string device, string stream, string kind = "luminaire", string city = City) => $"ci/v1/{city}/{kind}/{device}/{stream}";

    public static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public static string Luminaire(long seq, DateTimeOffset ts, double energyWh = 1000, double powerW = 55, int dim = 100, bool lampOn = true) =>
        $$"""{"v":1,"seq":{{seq}},"ts":"{{Ts(ts)}}","energyWh":{{energyWh.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"burnSeconds":{{seq * 60}},"powerW":{{powerW.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"dimPercent":{{dim}},"lampOn":{{(lampOn ? "true" : "false")}},"uptimeS":{{seq * 60}}}""";

    public static string Event(long seq, DateTimeOffset ts, string type, bool active, string detail = "test") =>
        $$"""{"v":1,"seq":{{seq}},"ts":"{{Ts(ts)}}","type":"{{type}}","active":{{(active ? "true" : "false")}},"detail":"{{detail}}"}""";

    public static string Status(string state, DateTimeOffset ts) => $$"""{"v":1,"state":"{{state}}","ts":"{{Ts(ts)}}","kind":"luminaire","firmware":"1.0.0"}""";
}
