using System.Text.Json;
using CidadesInteligentes.Cloud.Commands;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Hosting;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>The HTTP API of docs/api.md.</summary>
internal static class ApiEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", (Readiness r) =>
        {
            var (ready, parts) = r.Check();
            return Results.Json(new { status = ready ? "ready" : "not ready", parts }, statusCode: ready ? 200 : 503);
        });

        var api = app.MapGroup("/api");
        DeviceList.Map(api);

        api.MapGet("/devices/{id}", (string id, FleetState fleet, SqliteStore store, TimeProvider time) =>
        {
            if (fleet.Find(id) is not { } d)
            {
                return NotFound($"device '{id}' is not known");
            }
            var recent = store.Recent(id, "telemetry", 60).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
            var events = store.Recent(id, "event", 50).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
            var commands = store.Commands(id, null, 20).Select(c => CommandView(c, time.GetUtcNow())).ToList();
            var summary = DeviceSummary(d, fleet);
            return Results.Ok(new { summary.Id, summary.City, summary.Kind, summary.Name, summary.Online, summary.LastSeen, status = d.Status, firmware = d.Firmware,
                summary.Latitude, summary.Longitude, summary.OpenAlerts, summary.PowerW, summary.DimPercent, summary.LampOn, summary.BackhaulUp, summary.PortalOk, summary.Clients,
                recent, events, commands, alerts = fleet.Alerts(null, null).Where(a => a.Device == id).Take(50) });
        }).Require(ApiRole.Viewer);

        api.MapGet("/devices/{id}/daily", (string id, string? month, FleetState fleet, SqliteStore store, TimeProvider time) =>
        {
            if (fleet.Find(id) is null)
            {
                return NotFound($"device '{id}' is not known");
            }
            if (!CityEndpoints.TryMonth(month, time, out var m, out var problem))
            {
                return problem!;
            }
            return Results.Ok(store.DailyRollups(null, id, m + "-01", m + "-31").Select(d => new
            {
                d.Date, d.Messages, d.FirstTs, d.LastTs, d.EnergyMinWh, d.EnergyMaxWh, d.EnergyWithinDayWh, d.BurnMinS, d.BurnMaxS,
                backhaulUpSamples = d.BackhaulUp, portalOkSamples = d.PortalOk, d.MaxClients, maxUniqueClients = d.MaxUnique,
            }));
        }).Require(ApiRole.Viewer);

        // alerts stay listed for 90 days after their city left the registry: such a city is known
        api.MapGet("/alerts", (string? city, bool? active, RegistryService registry, FleetState fleet) =>
            CityFilter.Check(city, registry, fleet, c => fleet.Alerts(c, null).Count > 0) ?? Results.Ok(fleet.Alerts(city, active)))
            .WithCityFilter().Require(ApiRole.Viewer);

        api.MapPost("/devices/{id}/commands", async (string id, CommandRequest body, HttpContext http, CommandService commands, FleetState fleet, TimeProvider time, CancellationToken ct) =>
        {
            if (fleet.Find(id) is null)
            {
                return NotFound($"device '{id}' is not known");
            }
            CommandRow? row;
            IReadOnlyList<string> problems;
            try
            {
                (row, problems) = await commands.SendAsync(id, body, http.Caller(), ct).ConfigureAwait(false);
            }
            catch (CommandNotSentException e)
            {
                // the broker connection is down or being replaced: stored and audited, not sent; the caller may retry
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "command not sent", detail: e.Message);
            }
            if (row is null)
            {
                return Invalid(problems);
            }
            return Results.Accepted($"/api/devices/{id}/commands/{row.Id}", CommandView(row, time.GetUtcNow()));
        }).Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).Require(ApiRole.Operator);

        api.MapGet("/devices/{id}/commands/{commandId}", (string id, string commandId, SqliteStore store, TimeProvider time) =>
            store.Commands(id, commandId, 1) is [var row] ? Results.Ok(CommandView(row, time.GetUtcNow())) : NotFound($"command '{commandId}' of device '{id}' is not known"))
            .Require(ApiRole.Viewer);

        api.MapGet("/ingest/stats", (IngestCounters c, ApiCounters apiCounters, Ingestor ingestor, LiveHub live, Engines.MonthlyEngine engine, IServiceProvider sp) =>
        {
            var broker = sp.GetService<MqttBroker>();
            var (savings, wifi) = (engine.SavingsStreams, engine.WifiStreams);
            return Results.Ok(new
            {
                received = c.Received,
                stored = c.Stored,
                duplicates = c.Duplicates,
                rejected = c.Rejected,
                rejectedTotal = c.RejectedTotal,
                securityEvents = c.SecurityEvents,
                storeErrors = c.StoreErrors,
                wills = c.Wills,
                upstreamRedeliveryReconnects = c.UpstreamRedeliveryReconnects,
                batches = ingestor.Batches,
                queued = ingestor.Queued,
                liveSubscribers = live.Subscribers,
                liveDropped = live.Dropped,
                apiRefused = apiCounters.Snapshot(),
                apiNotModified = apiCounters.NotModified,
                // the city-months kept up to date for the dashboards and reports (docs/operations.md, "Memory", "Restarts")
                months = new
                {
                    savings = new
                    {
                        held = savings.CityMonths,
                        read = savings.WholeReads - savings.Loads,
                        fromDisk = savings.Loads,
                        savedToDisk = savings.Saves,
                        readAgain = savings.Invalidations,
                        lastDiskProblem = savings.LastDiskProblem,
                    },
                    wifi = new { held = wifi.CityMonths, read = wifi.WholeReads, readAgain = wifi.Invalidations },
                },
                influx = sp.GetService<Influx.InfluxSink>() is { } influx ? new { influx.Counters, notCopied = influx.NotCopied, unmapped = influx.Unmapped } : null,
                broker = broker is null ? null : new
                {
                    connections = broker.ConnectedClients.Count,
                    sessions = broker.SessionCount,
                    retained = broker.RetainedCount,
                    metrics = broker.Metrics,
                },
            });
        }).Require(ApiRole.Viewer);

        api.MapGet("/ingest/dead-letters", (int? limit, SqliteStore store) => Results.Ok(store.DeadLetters(Math.Clamp(limit ?? 100, 1, 1000)))).Require(ApiRole.Viewer);

        api.MapGet("/live", async (string? city, HttpContext http, LiveHub hub, RegistryService registry, FleetState fleet, IHostApplicationLifetime lifetime, CancellationToken aborted) =>
        {
            if (CityFilter.Check(city, registry, fleet) is { } problem)
            {
                await problem.ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
            // a stream never ends by itself: end it when the cloud stops, or the host waits its whole shutdown timeout
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
            var ct = stopping.Token;
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            // nginx buffers proxied responses by default, which would hold the events back and send them in bursts
            http.Response.Headers["X-Accel-Buffering"] = "no";
            // a heartbeat at once: the page learns how long this stream may stay quiet before it counts it as dead
            await http.Response.WriteAsync(": connected\n\n" + LiveUpdate.Heartbeat(hub.HeartbeatInterval).ToSse(), ct).ConfigureAwait(false);
            await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await foreach (var u in hub.SubscribeAsync(city, ct).ConfigureAwait(false))
                {
                    await http.Response.WriteAsync(u.ToSse(), ct).ConfigureAwait(false);
                    await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // the browser went away
            }
        }).WithCityFilter(textType: "text/event-stream").Require(ApiRole.Viewer);
    }

    internal static IResult NotFound(string detail) => Results.Problem(statusCode: 404, title: "Not found", detail: detail);

    internal static IResult Invalid(IReadOnlyList<string> problems) =>
        Results.Problem(statusCode: 400, title: "Invalid request", detail: string.Join("; ", problems),
            extensions: new Dictionary<string, object?> { ["problems"] = problems });

    internal sealed record DeviceSummaryView(string Id, string City, string Kind, string? Name, bool Online, DateTimeOffset? LastSeen, double? Latitude, double? Longitude,
        int OpenAlerts, double? PowerW, int? DimPercent, bool? LampOn, double? EnergyWh, bool? BackhaulUp, bool? PortalOk, int? Clients, int? UniqueClientsToday);

    internal static DeviceSummaryView DeviceSummary(DeviceView d, FleetState fleet)
    {
        lock (d)
        {
            return new DeviceSummaryView(d.Id, d.City, d.Kind, d.Name, d.Online, d.LastSeen, d.Latitude, d.Longitude, fleet.OpenAlerts(device: d.Id),
                d.Luminaire?.PowerW, d.Luminaire?.DimPercent, d.Luminaire?.LampOn, d.Luminaire?.EnergyWh,
                d.Hotspot?.BackhaulUp, d.Hotspot?.PortalOk, d.Hotspot?.Clients, d.Hotspot?.UniqueClientsToday);
        }
    }

    /// <summary>
    /// A command as the API shows it. <c>state</c> is the device's answer (<c>ok</c>, <c>rejected</c>, <c>expired</c>,
    /// <c>failed</c>) once it came; before that <c>pending</c> until the command's <c>expiresAt</c>, then
    /// <c>unacknowledged</c>: the device can no longer carry it out (a device that receives it late answers
    /// <c>expired</c>, which then replaces this state), so an operator knows to look at the device instead of waiting.
    /// </summary>
    internal static object CommandView(CommandRow c, DateTimeOffset now)
    {
        var command = JsonDocument.Parse(c.Body).RootElement;
        DateTimeOffset? expiresAt = command.TryGetProperty("expiresAt", out var e) && e.TryGetDateTimeOffset(out var at) ? at : null;
        var state = c.Result ?? (expiresAt is { } until && now > until ? "unacknowledged" : "pending");
        return new
        {
            id = c.Id,
            device = c.Device,
            type = c.Type,
            sentAt = c.SentAt,
            sentBy = c.SentBy,
            expiresAt,
            state,
            result = c.Result,
            detail = c.Detail,
            ackAt = c.AckAt,
            command,
        };
    }

    internal static string Month(DateTimeOffset now) => TimeZoneInfo.ConvertTime(now, SaoPaulo).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    internal static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
}
