using System.Net;
using CidadesInteligentes.Cloud.Api;
using CidadesInteligentes.Cloud.Broker;
using CidadesInteligentes.Cloud.Commands;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Mqtt.Broker;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CidadesInteligentes.Cloud.Hosting;

/// <summary>Builds and runs the cloud host: embedded broker (or upstream), ingestor, SQLite store, API and dashboard.</summary>
internal static class CloudHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["report", .. var rest])
        {
            return await ReportCommandAsync(rest).ConfigureAwait(false);
        }
        var app = Build(args, out var problems);
        if (app is null)
        {
            await Console.Error.WriteLineAsync("The cloud host cannot start; fix these settings:").ConfigureAwait(false);
            foreach (var p in problems)
            {
                await Console.Error.WriteLineAsync("  - " + p).ConfigureAwait(false);
            }
            return 2;
        }
        await app.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"Dashboard: {HttpAddress(app)}/");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// <c>report --month YYYY-MM [--city IBGE] [--out DIR]</c> with the usual <c>--Storage:Directory</c> and
    /// <c>--Registry:File</c>: writes the month's reports from the stored data (also into the store) and exits 0 when every
    /// city is compliant, 2 when one is not (so a scheduler can alert), 1 when the reports could not be made.
    /// </summary>
    private static async Task<int> ReportCommandAsync(string[] args)
    {
        string? Option(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var settingsArgs = args.Where((a, i) => !(a is "--month" or "--city" or "--out") && !(i > 0 && args[i - 1] is "--month" or "--city" or "--out")).ToList();
        settingsArgs.AddRange(["--Broker:Enabled", "true", "--Broker:Port", "0", "--Reports:Enabled", "false"]);
        var app = Build([.. settingsArgs], out var problems);
        if (app is null)
        {
            await Console.Error.WriteLineAsync("Cannot make reports: " + string.Join("; ", problems)).ConfigureAwait(false);
            return 1;
        }
        await using (app.ConfigureAwait(false))
        {
            var time = app.Services.GetRequiredService<TimeProvider>();
            var month = Option("--month") ?? Reports.ReportService.PreviousMonth(time.GetUtcNow());
            if (!Domain.LocalMonth.TryParse(month, "America/Sao_Paulo", out _))
            {
                await Console.Error.WriteLineAsync($"--month '{month}' is not YYYY-MM").ConfigureAwait(false);
                return 1;
            }
            try
            {
                var (set, entries) = await app.Services.GetRequiredService<Reports.ReportService>().GenerateAsync(month, Option("--city"), CancellationToken.None).ConfigureAwait(false);
                var store = app.Services.GetRequiredService<SqliteStore>();
                var outDir = Option("--out");
                foreach (var e in entries)
                {
                    Console.WriteLine($"{e.Id}: {(e.Compliant ? "compliant" : "NOT COMPLIANT")} sha256 {e.Digest}");
                    if (outDir is not null)
                    {
                        Directory.CreateDirectory(outDir);
                        foreach (var f in e.Formats)
                        {
                            var path = Path.Combine(outDir, $"{e.Id}.{f}");
                            switch (store.ReportContent(e.Id, f))
                            {
                                case string text:
                                    await File.WriteAllTextAsync(path, text).ConfigureAwait(false);
                                    break;
                                case byte[] bytes:
                                    await File.WriteAllBytesAsync(path, bytes).ConfigureAwait(false);
                                    break;
                            }
                        }
                    }
                }
                var failing = set.Cities.Where(c => !c.Compliant).Select(c => $"{c.Name} ({c.Ibge})").ToList();
                if (failing.Count > 0)
                {
                    Console.WriteLine($"not compliant: {string.Join(", ", failing)}");
                }
                return Option("--city") is { } one ? (set.Cities.Single(c => c.Ibge == one).Compliant ? 0 : Reports.ReportSet.NotCompliantExitCode) : set.ExitCode;
            }
            catch (KeyNotFoundException e)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }
        }
    }

    /// <summary>The first HTTP address the server listens on (after start).</summary>
    public static string HttpAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return (addresses?.FirstOrDefault() ?? "http://127.0.0.1:8080").Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
    }

    /// <summary>Builds the host, or returns null with every configuration problem.</summary>
    public static WebApplication? Build(string[] args, out IReadOnlyList<string> problems)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:8080");
        }
        var settings = CloudSettingsBinder.Bind(builder.Configuration, Directory.GetCurrentDirectory(), out var settingProblems);
        var errors = settingProblems.ToList();

        var keys = ApiKeys.Empty;
        if (settings.Api.KeysFile is { } keysFile && File.Exists(keysFile))
        {
            keys = ApiKeys.Parse(File.ReadAllLines(keysFile), out var keyProblems);
            errors.AddRange(keyProblems.Select(p => $"Api:KeysFile {keysFile}: {p}"));
        }
        DeviceCredentials? credentials = null;
        if (settings.Broker.DevicesFile is { } devicesFile && File.Exists(devicesFile))
        {
            credentials = DeviceCredentials.Parse(File.ReadAllLines(devicesFile), out var credentialProblems);
            errors.AddRange(credentialProblems.Select(p => $"Broker:DevicesFile {devicesFile}: {p}"));
        }
        var registry = RegistryService.Load(settings.Registry.File, errors);
        if (errors.Count > 0)
        {
            problems = errors;
            return null;
        }
        problems = [];

        SqliteStore store;
        try
        {
            store = SqliteStore.Open(settings.Storage.Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            problems = [$"Storage:Directory {settings.Storage.Directory}: {e.Message}"];
            return null;
        }

        var time = TimeProvider.System;
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        });
        services.AddOpenApi();
        services.AddSingleton(settings);
        services.AddSingleton(time);
        services.AddSingleton(keys);
        services.AddSingleton(store);
        services.AddSingleton<IngestCounters>();
        services.AddSingleton<LiveHub>();
        services.AddSingleton(registry);
        services.AddSingleton(sp => new FleetState(TimeSpan.FromSeconds(settings.Ingest.HeartbeatTimeoutSeconds)));
        services.AddSingleton(sp => new Ingestor(store, sp.GetRequiredService<FleetState>(), sp.GetRequiredService<LiveHub>(), sp.GetRequiredService<IngestCounters>(),
            time, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Ingest"), TimeSpan.FromDays(settings.Ingest.MaxAgeDays), checkIdentity: credentials is not null));
        if (settings.Broker.Enabled)
        {
            services.AddSingleton(sp => new MqttBroker(
                new BrokerOptions
                {
                    Address = IPAddress.Parse(settings.Broker.BindAddress),
                    Port = settings.Broker.Port,
                    MaxConnections = settings.Broker.MaxConnections,
                    TimeProvider = time,
                },
                credentials, credentials, sp.GetRequiredService<Ingestor>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Broker")));
            services.AddSingleton<ICommandPublisher, EmbeddedCommandPublisher>();
            services.AddHostedService<BrokerService>();
        }
        else
        {
            services.AddSingleton<UpstreamConsumer>();
            services.AddSingleton<ICommandPublisher>(sp => sp.GetRequiredService<UpstreamConsumer>());
            services.AddHostedService(sp => sp.GetRequiredService<UpstreamConsumer>());
        }
        services.AddSingleton<CommandService>();
        services.AddSingleton<Engines.MonthlyEngine>();
        services.AddSingleton<Reports.ReportService>();
        if (settings.Reports.Enabled)
        {
            services.AddHostedService<Reports.ReportScheduler>();
        }
        if (settings.Influx.Url is not null)
        {
            services.AddSingleton<Influx.InfluxSink>();
            services.AddHostedService(sp => sp.GetRequiredService<Influx.InfluxSink>());
        }
        services.AddHostedService<FleetSweeper>();
        services.AddSingleton<Readiness>();

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            app.Services.GetRequiredService<Ingestor>().DisposeAsync().AsTask().GetAwaiter().GetResult();
            store.Dispose();
        });
        var live = app.Services.GetRequiredService<LiveHub>();
        app.Services.GetRequiredService<FleetState>().AlertChanged += a =>
        {
            if (live.Subscribers > 0)
            {
                live.Publish(new LiveUpdate("alert", a.City, FleetState.Json(a)));
            }
        };
        registry.LoadFromStoreIfEmpty(store);
        registry.RegisterDevices(app.Services.GetRequiredService<FleetState>());
        var webRoot = settings.Api.WebRoot ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(webRoot))
        {
            var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(webRoot));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        app.MapOpenApi();
        ApiEndpoints.Map(app);
        CityEndpoints.Map(app);
        ReportEndpoints.Map(app);
        return app;
    }
}

/// <summary>What <c>/healthz</c> reports.</summary>
internal sealed class Readiness(IServiceProvider services, SqliteStore store)
{
    public (bool Ready, Dictionary<string, string> Parts) Check()
    {
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        var ready = true;
        if (services.GetService<MqttBroker>() is { } broker)
        {
            parts["broker"] = broker.IsRunning ? $"listening on {broker.Options.Address}:{broker.Port}" : "not running";
            ready &= broker.IsRunning;
        }
        else if (services.GetService<UpstreamConsumer>() is { } upstream)
        {
            parts["broker"] = upstream.IsReady ? "upstream connected and subscribed" : "upstream not connected";
            ready &= upstream.IsReady;
        }
        try
        {
            store.Scalar("SELECT count(*) FROM sqlite_master");
            parts["storage"] = $"sqlite schema {store.SchemaVersion} at {store.Path}";
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or ObjectDisposedException)
        {
            parts["storage"] = "unavailable: " + e.Message;
            ready = false;
        }
        var ingestor = services.GetRequiredService<Ingestor>();
        parts["ingestor"] = $"ready, {ingestor.Queued} queued";
        return (ready, parts);
    }
}

/// <summary>Starts and stops the embedded broker with the host.</summary>
internal sealed class BrokerService(MqttBroker broker, ILogger<BrokerService> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await broker.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"MQTT broker: {broker.Options.Address}:{broker.Port}");
        log.LogInformation("Embedded MQTT broker listening on {Address}:{Port}", broker.Options.Address, broker.Port);
    }

    public Task StopAsync(CancellationToken cancellationToken) => broker.StopAsync();
}

internal sealed class EmbeddedCommandPublisher(MqttBroker broker) : ICommandPublisher
{
    public Task PublishAsync(string topic, byte[] payload, CancellationToken ct)
    {
        broker.Publish(new BrokerMessage(topic, payload, qos: 1, retain: false));
        return Task.CompletedTask;
    }
}

/// <summary>Every few seconds: heartbeat timeouts and supply-loss vs communication-loss classification.</summary>
internal sealed class FleetSweeper(FleetState fleet, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                fleet.Sweep(time.GetUtcNow());
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
