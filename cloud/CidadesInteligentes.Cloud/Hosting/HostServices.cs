using CidadesInteligentes.Cloud.Commands;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Cloud.Broker;

namespace CidadesInteligentes.Cloud.Hosting;

/// <summary>
/// What <c>/healthz</c> reports: ready only when the broker (embedded or upstream), the store and the ingestor are. The
/// store is not ready when it cannot be read or when the latest ingest commit failed (until one succeeds again); the
/// ingestor is not ready when its commit loop has faulted or stopped.
/// </summary>
internal sealed class Readiness(IServiceProvider services, SqliteStore store)
{
    public (bool Ready, Dictionary<string, string> Parts) Check()
    {
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        var ready = true;
        var ingestor = services.GetRequiredService<Ingestor>();
        if (services.GetService<MqttBroker>() is { } broker)
        {
            parts["broker"] = broker.IsRunning ? $"listening on {broker.Options.Address}:{broker.Port}" : "not running";
            ready &= broker.IsRunning;
        }
        else if (services.GetService<UpstreamConsumer>() is { } upstream)
        {
            parts["broker"] = upstream.IsReady ? "upstream connected and subscribed" : upstream.SubscribeProblem ?? "upstream not connected";
            ready &= upstream.IsReady;
        }
        try
        {
            store.Scalar("SELECT count(*) FROM sqlite_master");
            if (ingestor.LastCommitError is { } error)
            {
                parts["storage"] = "commits failing: " + error.Message;
                ready = false;
            }
            else
            {
                parts["storage"] = $"sqlite schema {store.SchemaVersion} at {store.Path}";
            }
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or ObjectDisposedException)
        {
            parts["storage"] = "unavailable: " + e.Message;
            ready = false;
        }
        if (ingestor.CommitLoopProblem is { } problem)
        {
            parts["ingestor"] = problem;
            ready = false;
        }
        else
        {
            parts["ingestor"] = $"ready, {ingestor.Queued} queued";
        }
        // a refused registry file does not make the host unready: the stored registry is served
        var registry = services.GetRequiredService<RegistryService>();
        parts["registry"] = registry.FileProblems.Count == 0
            ? $"version {registry.Version}, {registry.Document.Cities.Count} cities"
            : $"registry file refused at start: {registry.FileProblems.Count} frozen-baseline problem(s), serving the stored registry (see the log)";
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
