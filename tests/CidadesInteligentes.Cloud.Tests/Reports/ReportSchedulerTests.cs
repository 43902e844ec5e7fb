using CidadesInteligentes.Cloud.Reports;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Api;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Reports;

/// <summary>The monthly scheduler on a manual clock, over a real host's store, registry and report service.</summary>
public sealed class ReportSchedulerTests
{
    // 00:30 on 1 December in São Paulo (UTC−3): November has just closed
    private static readonly DateTimeOffset JustAfterNovember = new(2026, 12, 1, 3, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task One_citys_report_made_on_request_does_not_stop_the_scheduler_writing_the_months_state_report()
    {
        var dir = ServerProcess.CreateTempDirectory("report-scheduler");
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", registry, "--Reports:Chromium", Path.Combine(dir, "no-chromium"));
        var store = cloud.Get<SqliteStore>();
        var reports = cloud.Get<ReportService>();

        // an operator made São Carlos' November report before the scheduler ran (or a full run failed after it)
        await reports.GenerateAsync("2026-11", "3548906", CancellationToken.None);
        Assert.Equal(["2026-11-3548906"], store.Reports(null, "2026-11").Select(r => r.Id));

        var clock = new ManualTimeProvider(JustAfterNovember);
        var scheduler = new ReportScheduler(reports, store, cloud.Get<RegistryService>(), clock, NullLogger<ReportScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => clock.ScheduledTimers == 1, "the scheduler waits its 30 s after start");
            clock.Advance(TimeSpan.FromSeconds(30));
            await Wait.UntilAsync(() => store.Reports(null, "2026-11").Any(r => r.Scope == ReportScopes.State), "the state report for November");
            Assert.Equal(["2026-11-3548906", "2026-11-state"], store.Reports(null, "2026-11").Select(r => r.Id).Order(StringComparer.Ordinal));

            // done: the next hourly check writes nothing again
            await Wait.UntilAsync(() => clock.ScheduledTimers == 1, "the scheduler waits for the next hour");
            var written = store.Reports(null, "2026-11").Select(r => r.CreatedAt).ToList();
            clock.Advance(TimeSpan.FromHours(1));
            await Wait.UntilAsync(() => clock.ScheduledTimers == 1, "the hourly check ran");
            Assert.Equal(written, store.Reports(null, "2026-11").Select(r => r.CreatedAt));
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
            scheduler.Dispose();
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_host_that_was_down_over_a_months_end_writes_the_month_it_missed_but_no_empty_older_month()
    {
        var dir = ServerProcess.CreateTempDirectory("report-scheduler-gap");
        var registry = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(registry, CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", registry, "--Reports:Chromium", Path.Combine(dir, "no-chromium"));
        var store = cloud.Get<SqliteStore>();
        // the host ran in October (it stored a day of telemetry), was down from before 1 November until 1 December;
        // September has no data (the programme had not started)
        var october = new DateTimeOffset(2026, 10, 15, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await Integration.CloudStoreProbe.ExecuteAsync(cloud.Directory,
            $"INSERT INTO daily_rollups (device, date, city, kind, messages, first_ts, last_ts, energy_min_wh, energy_max_wh) VALUES ('sc-lum-000001', '2026-10-15', '3548906', 'luminaire', 2, {october}, {october + 60_000}, 100, 150)");
        Assert.True(store.HasRollupsIn("2026-10"));
        Assert.False(store.HasRollupsIn("2026-09"));
        Assert.False(store.HasRollupsIn("2026-11"));

        var clock = new ManualTimeProvider(JustAfterNovember);
        var scheduler = new ReportScheduler(cloud.Get<ReportService>(), store, cloud.Get<RegistryService>(), clock, NullLogger<ReportScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => clock.ScheduledTimers == 1, "the scheduler waits its 30 s after start");
            clock.Advance(TimeSpan.FromSeconds(30));
            await Wait.UntilAsync(() => clock.ScheduledTimers == 1 && store.Reports(null, "2026-11").Any(r => r.Scope == ReportScopes.State),
                "the checks of the three closed months done");
            Assert.Contains(store.Reports(null, "2026-10"), r => r.Scope == ReportScopes.State); // missed while down: written now
            Assert.Contains(store.Reports(null, "2026-11"), r => r.Scope == ReportScopes.State); // just closed: always written
            Assert.Empty(store.Reports(null, "2026-09")); // no data then: no empty report set
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
            scheduler.Dispose();
        }
        Directory.Delete(dir, recursive: true);
    }
}
