using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Engines;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>Cities, the state overview, savings and Wi-Fi compliance per month, and the registry.</summary>
internal static class CityEndpoints
{
    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api");

        api.MapGet("/cities", (RegistryService registry, FleetState fleet) =>
        {
            var byCity = fleet.CountByCity();
            return Results.Ok(registry.Expanded.Cities.Select(c => Summary(c, byCity.GetValueOrDefault(c.Ibge), registry, fleet)));
        }).Require(ApiRole.Viewer);

        // one city as the list gives it: the city and device pages need its name, not the state's 645 cities on every
        // redraw. A city devices report from without being in the registry is known too (as for the other city filters),
        // with what the fleet knows of it; 404 only for a city nothing is known of
        api.MapGet("/cities/{ibge}", (string ibge, RegistryService registry, FleetState fleet) =>
            registry.City(ibge) is { } city ? Results.Ok(Summary(city, fleet.CountIn(city.Ibge), registry, fleet))
                : CityFilter.Check(ibge, registry, fleet) ?? Results.Ok(Unregistered(ibge, fleet)))
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).Require(ApiRole.Viewer);

        api.MapGet("/state", (string? month, RegistryService registry, FleetState fleet, MonthlyEngine engine, TimeProvider time) =>
        {
            if (!TryMonth(month, time, out var m, out var problem))
            {
                return problem!;
            }
            var rows = new List<object>();
            var savings = new List<CitySavings>();
            var compliantCities = 0;
            var byCity = fleet.CountByCity();
            foreach (var c in registry.Expanded.Cities)
            {
                var s = engine.Savings(c, m);
                var w = engine.Wifi(c, m);
                savings.Add(s);
                compliantCities += w.Compliant ? 1 : 0;
                var (online, deviceCount) = byCity.GetValueOrDefault(c.Ibge);
                rows.Add(new
                {
                    ibge = c.Ibge,
                    name = c.Name,
                    s.MeasuredKwh,
                    s.BaselineKwh,
                    s.SavingsKwh,
                    s.SavingsBrl,
                    s.BillSavingsBrl,
                    s.SavingsPercentOfRevenue,
                    s.CostToCip,
                    s.PaybackMonths,
                    wifiCompliantPoints = w.CompliantPoints,
                    requiredWifiPoints = w.RequiredPoints,
                    compliant = w.Compliant,
                    devicesOnline = online,
                    devicesTotal = deviceCount,
                    openAlerts = fleet.OpenAlerts(c.Ibge),
                    s.Completeness,
                    // with none reporting, the energy figures are 0 for want of readings, not a measured 0
                    s.ReportingLuminaires,
                    s.InventoryLuminaires,
                });
            }
            var total = StateSavings.Aggregate(m, savings);
            return Results.Ok(new
            {
                month = m,
                totals = new
                {
                    total.MeasuredKwh,
                    total.BaselineKwh,
                    total.SavingsKwh,
                    total.SavingsBrl,
                    total.BillSavingsBrl,
                    total.Co2AvoidedT,
                    total.Completeness,
                    compliantCities,
                    cities = registry.Expanded.Cities.Count,
                    devicesOnline = byCity.Values.Sum(v => v.Online),
                    devicesTotal = byCity.Values.Sum(v => v.Total),
                    openAlerts = fleet.OpenAlerts(),
                },
                cities = rows,
            });
        }).Require(ApiRole.Viewer);

        api.MapGet("/cities/{ibge}/savings", (string ibge, string? month, RegistryService registry, MonthlyEngine engine, TimeProvider time) =>
        {
            if (registry.City(ibge) is not { } city)
            {
                return CityFilter.Unknown(ibge);
            }
            return TryMonth(month, time, out var m, out var problem) ? Results.Ok(engine.Savings(city, m)) : problem!;
        }).Require(ApiRole.Viewer);

        api.MapGet("/cities/{ibge}/wifi", (string ibge, string? month, RegistryService registry, MonthlyEngine engine, TimeProvider time) =>
        {
            if (registry.City(ibge) is not { } city)
            {
                return CityFilter.Unknown(ibge);
            }
            return TryMonth(month, time, out var m, out var problem) ? Results.Ok(engine.Wifi(city, m)) : problem!;
        }).Require(ApiRole.Viewer);

        api.MapGet("/registry", (RegistryService registry) => Results.Text(RegistryLoader.Serialize(registry.Document), "application/json")).Require(ApiRole.Viewer);

        api.MapPut("/registry", async (HttpContext http, RegistryService registry, SqliteStore store, FleetState fleet, TimeProvider time, CancellationToken ct) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var json = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
            IReadOnlyList<string> problems;
            try
            {
                problems = await registry.ReplaceAsync(json, http.Caller(), store, fleet, time, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the registry file could not be written (read-only, disk full): nothing was changed
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "registry not saved",
                    detail: $"the registry file {registry.SourceFile} cannot be written ({e.Message}); nothing was changed. Let the cloud write it, then send the registry again.");
            }
            if (problems.Count > 0)
            {
                return ApiEndpoints.Invalid(problems);
            }
            return Results.Ok(new { cities = registry.Document.Cities.Count, version = registry.Version });
        }).AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            // described, not enforced: Accepts<T>() would refuse a body sent without Content-Type: application/json (415)
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Description = "The whole registry document (cloud/registry/).",
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(RegistryDocument), null, ct).ConfigureAwait(false) },
                },
            };
        }).Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).Require(ApiRole.Admin);

        api.MapGet("/audit", (int? limit, SqliteStore store) =>
            Results.Ok(store.Audit(Math.Clamp(limit ?? 100, 1, 1000)).Select(a => new { at = a.At, who = a.Who, action = a.Action, target = a.Target, detail = a.Detail })))
            .Require(ApiRole.Viewer);
    }

    /// <summary>A city as <c>GET /api/cities</c> and <c>GET /api/cities/{ibge}</c> answer it.</summary>
    private sealed record CityAnswer(string Ibge, string? Name, double? Latitude, double? Longitude, bool ExampleValues, int Luminaires,
        int WifiPoints, int RequiredWifiPoints, int DevicesOnline, int DevicesTotal, int OpenAlerts, bool InRegistry);

    private static CityAnswer Summary(CityRecord c, (int Online, int Total) devices, RegistryService registry, FleetState fleet) =>
        new(c.Ibge, c.Name, c.Latitude, c.Longitude, c.ExampleValues || registry.Expanded.ExampleValues, c.Luminaires.Count, c.WifiPoints.Count,
            c.RequiredWifiPoints, devices.Online, devices.Total, fleet.OpenAlerts(c.Ibge), InRegistry: true);

    /// <summary>A city devices report from that the registry does not have: only what the fleet knows.</summary>
    private static CityAnswer Unregistered(string ibge, FleetState fleet)
    {
        var (online, total) = fleet.CountIn(ibge);
        return new(ibge, null, null, null, false, 0, 0, 0, online, total, fleet.OpenAlerts(ibge), InRegistry: false);
    }

    /// <summary>Parses <c>YYYY-MM</c> (default: the current month in São Paulo).</summary>
    internal static bool TryMonth(string? month, TimeProvider time, out string value, out IResult? problem)
    {
        value = month ?? ApiEndpoints.Month(time.GetUtcNow());
        problem = null;
        if (!LocalMonth.TryParse(value, "America/Sao_Paulo", out _))
        {
            problem = ApiEndpoints.Invalid([$"month '{month}' is not {LocalMonth.Accepted}"]);
            return false;
        }
        return true;
    }
}
