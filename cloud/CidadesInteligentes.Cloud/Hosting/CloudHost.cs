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
            return await Reports.ReportCommand.RunAsync(rest).ConfigureAwait(false);
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
            store.RollupFoldInterval = TimeSpan.FromSeconds(settings.Storage.RollupFoldSeconds);
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
        services.AddOpenApi(o => o.AddApiKeySchemes());
        // unreadable bodies and query parameters become problem answers (BadRequests) instead of a bare 400
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSingleton(settings);
        services.AddSingleton(time);
        services.AddSingleton(keys);
        services.AddSingleton(store);
        services.AddSingleton<IngestCounters>();
        services.AddSingleton<Api.ApiCounters>();
        services.AddSingleton(new LiveHub { HeartbeatInterval = TimeSpan.FromSeconds(settings.Api.LiveHeartbeatSeconds) });
        services.AddSingleton(registry);
        // open alerts and the last 90 days of closed ones come back after a restart
        services.AddSingleton(sp => new FleetState(TimeSpan.FromSeconds(settings.Ingest.HeartbeatTimeoutSeconds),
            restore: store.LoadAlerts(time.GetUtcNow() - FleetState.AlertHistory)));
        // registered before the broker and the upstream consumer so it stops after them and saves their last alerts
        services.AddSingleton<AlertRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertRecorder>());
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
                    PersistentSessionExpiry = settings.Broker.PersistentSessionExpiryDays > 0 ? TimeSpan.FromDays(settings.Broker.PersistentSessionExpiryDays) : null,
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
        // the recorder listens before the registry is applied: alerts closed at start (devices the file removed while the
        // cloud was down) are saved like any other change, not only at the next shutdown
        _ = app.Services.GetRequiredService<AlertRecorder>();
        // the registry file may add and edit, but not change baselines frozen in the stored registry
        registry.Start(store, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Registry"), time.GetUtcNow());
        registry.RegisterDevices(app.Services.GetRequiredService<FleetState>(), time.GetUtcNow());
        var webRoot = settings.Api.WebRoot ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(webRoot))
        {
            var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(webRoot));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            // revalidated on every load (ETag → 304): after an upgrade a cached old module beside a new one breaks the page
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                OnPrepareResponse = static c => c.Context.Response.Headers.CacheControl = "no-cache",
            });
        }
        ConditionalGet.Use(app);
        BadRequests.Use(app);
        app.MapOpenApi();
        ApiEndpoints.Map(app);
        CityEndpoints.Map(app);
        ReportEndpoints.Map(app);
        return app;
    }
}
