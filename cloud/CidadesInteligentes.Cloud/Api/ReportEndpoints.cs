using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Reports;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Api;

internal static class ReportEndpoints
{
    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/reports", (string? city, string? month, SqliteStore store, RegistryService registry, FleetState fleet, TimeProvider time) =>
        {
            // reports stay stored after their city left the registry: such a city is known
            if (CityFilter.Check(city, registry, fleet, c => store.Reports(c, null).Count > 0) is { } unknown)
            {
                return unknown;
            }
            // a month that is not YYYY-MM would only ever match nothing: say so instead of an empty list
            if (month is not null && !CityEndpoints.TryMonth(month, time, out _, out var problem))
            {
                return problem!;
            }
            return Results.Ok(store.Reports(city, month).Select(ReportService.Entry));
        }).WithCityFilter().Require(ApiRole.Viewer);

        api.MapGet("/reports/{file}", (string file, SqliteStore store) =>
        {
            var dot = file.LastIndexOf('.');
            if (dot <= 0)
            {
                return ApiEndpoints.NotFound($"'{file}' is not <report id>.<html|csv|json|pdf>");
            }
            var (id, format) = (file[..dot], file[(dot + 1)..]);
            return store.ReportContent(id, format) switch
            {
                string text => Results.Text(text, ReportFormats.ContentType(format) + (format == "pdf" ? "" : "; charset=utf-8")),
                byte[] bytes => Results.File(bytes, ReportFormats.ContentType(format), file),
                _ => ApiEndpoints.NotFound($"report '{id}' has no {format} version"),
            };
        }).Require(ApiRole.Viewer);

        api.MapPost("/reports", async (string? month, string? city, HttpContext http, ReportService reports, SqliteStore store, RegistryService registry, FleetState fleet,
            TimeProvider time, CancellationToken ct) =>
        {
            // a city outside the registry passes here and is refused by the generation, which needs its registry figures
            if (CityFilter.Check(city, registry, fleet) is { } unknown)
            {
                return unknown;
            }
            var m = month ?? ReportService.PreviousMonth(time.GetUtcNow());
            if (!CityEndpoints.TryMonth(m, time, out m, out var problem))
            {
                return problem!;
            }
            try
            {
                var (_, entries) = await reports.GenerateAsync(m, city, ct).ConfigureAwait(false);
                await store.AuditAsync(time.GetUtcNow(), http.Caller(), "reports.generate", city ?? "state", m, ct).ConfigureAwait(false);
                return Results.Created($"/api/reports?month={m}", entries);
            }
            catch (KeyNotFoundException e)
            {
                return ApiEndpoints.NotFound(e.Message);
            }
        }).WithCityFilter(StatusCodes.Status201Created).Require(ApiRole.Operator);
    }
}
