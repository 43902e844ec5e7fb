using CidadesInteligentes.Cloud.Domain;
using CidadesInteligentes.Cloud.Engines;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>A stored report as the API lists it.</summary>
internal sealed record ReportEntry(string Id, string Scope, string? City, string Month, DateTimeOffset CreatedAt, bool Compliant, string Digest, IReadOnlyList<string> Formats);

/// <summary>
/// Generates the monthly reports (each city and the state) from the stored data through the same engines the API
/// uses, renders HTML, CSV, JSON and (when Chromium is available) PDF, and stores them. Regenerating a month replaces
/// its reports; the digest is the same when the data is the same.
/// </summary>
internal sealed class ReportService(SqliteStore store, RegistryService registry, MonthlyEngine engine, TimeProvider time, Hosting.CloudSettings settings, ILogger<ReportService> log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static string IdFor(IReport r) => r.Scope == ReportScopes.State ? $"{r.Month}-state" : $"{r.Month}-{r.City}";

    /// <summary>Builds the month's reports for every registry city (or one) plus the state; stores and returns them.</summary>
    public async Task<(ReportSet Set, IReadOnlyList<ReportEntry> Entries)> GenerateAsync(string month, string? city, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var cities = registry.Expanded.Cities.Where(c => city is null || c.Ibge == city).ToList();
            if (cities.Count == 0)
            {
                throw new KeyNotFoundException(city is null ? "the registry has no cities" : $"city '{city}' is not in the registry");
            }
            var inputs = cities.Select(c => (c, engine.Savings(c, month), engine.Wifi(c, month))).ToList();
            var set = new ReportBuilder(time).Build(month, inputs);
            var entries = new List<ReportEntry>();
            var reports = city is null ? set.All : set.Cities.Cast<IReport>();
            foreach (var r in reports)
            {
                var html = ReportRenderer.RenderHtml(r);
                byte[]? pdf = null;
                try
                {
                    pdf = await new PdfRenderer(settings.Reports.Chromium ?? PdfRenderer.DefaultChromium).RenderAsync(html, ct).ConfigureAwait(false);
                }
                catch (PdfUnavailableException e)
                {
                    log.LogWarning("Report {Id} stored without PDF: {Reason}", IdFor(r), e.Message);
                }
                var row = new ReportRow(IdFor(r), r.Scope, r.City, r.Month, r.GeneratedAt, r.Compliant, r.Digest, pdf is not null);
                await store.SaveReportAsync(row, html, ReportRenderer.RenderCsv(r), ReportRenderer.RenderJson(r), pdf, ct).ConfigureAwait(false);
                entries.Add(Entry(row));
            }
            log.LogInformation("Reports for {Month}: {Count} written, state {Verdict}", month, entries.Count, set.AllCompliant ? "compliant" : "NOT compliant");
            return (set, entries);
        }
        finally
        {
            _gate.Release();
        }
    }

    public static ReportEntry Entry(ReportRow r) =>
        new(r.Id, r.Scope, r.City, r.Month, r.CreatedAt, r.Compliant, r.Digest, r.HasPdf ? ReportFormats.All : [ReportFormats.Html, ReportFormats.Csv, ReportFormats.Json]);

    /// <summary>The month that closed most recently (São Paulo time).</summary>
    public static string PreviousMonth(DateTimeOffset now) => ClosedMonths(now, 1)[0];

    /// <summary>The <paramref name="count"/> most recently closed months (São Paulo time), oldest first.</summary>
    public static string[] ClosedMonths(DateTimeOffset now, int count)
    {
        var local = TimeZoneInfo.ConvertTime(now, Api.ApiEndpoints.SaoPaulo);
        var months = new string[count];
        for (var i = 0; i < count; i++)
        {
            var m = local.AddMonths(i - count);
            months[i] = new LocalMonth(m.Year, m.Month).Label;
        }
        return months;
    }
}

/// <summary>
/// Writes the reports of each month once it has closed (checked at start and every hour). The month counts as done
/// once its state report exists (a full run writes it last): one city's report made on request, or a run that failed
/// halfway, does not stop the scheduler from writing the whole set. It looks back <see cref="MonthsBack"/> closed
/// months, so a host that was down over a month's end (or two) writes the months it missed once it is back; an older
/// month is written only if the store holds telemetry from it (a new installation writes no empty reports).
/// </summary>
internal sealed class ReportScheduler(ReportService reports, SqliteStore store, RegistryService registry, TimeProvider time, ILogger<ReportScheduler> log) : BackgroundService
{
    /// <summary>Closed months checked each hour: the one just closed and the two before it.</summary>
    internal const int MonthsBack = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                var months = ReportService.ClosedMonths(time.GetUtcNow(), MonthsBack);
                for (var i = 0; i < months.Length && registry.Expanded.Cities.Count > 0; i++)
                {
                    var month = months[i];
                    var justClosed = i == months.Length - 1;
                    if (store.Reports(null, month).Any(r => r.Scope == ReportScopes.State) || (!justClosed && !store.HasRollupsIn(month)))
                    {
                        continue;
                    }
                    try
                    {
                        await reports.GenerateAsync(month, null, stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                    {
                        log.LogError("Monthly reports for {Month} failed: {Error}", month, e.Message);
                    }
                }
                await Task.Delay(TimeSpan.FromHours(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
