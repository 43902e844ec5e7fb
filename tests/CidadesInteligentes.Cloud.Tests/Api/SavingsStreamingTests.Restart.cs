using System.Text.Json;
using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>After a restart the savings months come back from their copies on disk and the rows since are added.</summary>
public sealed partial class SavingsStreamingTests
{
    [Fact]
    public async Task After_a_restart_a_month_is_read_back_from_disk_and_the_rows_since_are_added_with_the_figures_of_a_whole_read()
    {
        await using var setup = await Setup.StartAsync("savings-restart", Local(11, 20, 12));
        var (cloud, engine, clock) = (setup.Cloud, setup.Engine, setup.Clock);
        CitySavings Whole() => setup.Fresh().Savings(setup.City, "2026-11");
        var one = await cloud.DeviceAsync("sc-lum-000001");
        var two = await cloud.DeviceAsync("sc-lum-000002");
        var s1 = await ReportAsync(one, "sc-lum-000001", 0, 10_000, Local(10, 28, 0), Local(11, 12, 0), skip: 20); // seq 20 lost on the way
        var s2 = await ReportAsync(two, "sc-lum-000002", 500, 70_000, Local(10, 28, 1), Local(11, 12, 1));
        engine.Savings(setup.City, "2026-11");
        await engine.SavingsStreams.LastSave;
        Assert.Equal(1, engine.SavingsStreams.Saves);
        Assert.Null(engine.SavingsStreams.LastDiskProblem);
        // used again after the save interval with nothing new: the copy on disk is still right, nothing is written
        clock.Advance(engine.SavingsStreams.SaveEvery + TimeSpan.FromMinutes(1));
        engine.Savings(setup.City, "2026-11");
        await engine.SavingsStreams.LastSave;
        Assert.Equal(1, engine.SavingsStreams.Saves);

        // a week more, with a meter replaced, and the cloud restarts: the month comes back from disk, the week is added
        await ReportAsync(one, "sc-lum-000001", s1, 13_500, Local(11, 12, 0), Local(11, 19, 0));
        await ReportAsync(two, "sc-lum-000002", s2, 73_500, Local(11, 12, 1), Local(11, 19, 1), resetAt: 40);
        clock.Advance(TimeSpan.FromSeconds(30));
        var restarted = setup.Restarted();
        var back = restarted.Savings(setup.City, "2026-11");
        Assert.Equal(1, restarted.SavingsStreams.Loads);
        Assert.Equal(2 * 7 * 12, restarted.SavingsStreams.RowsAdded);
        Assert.Equal(Json(Whole()), Json(back));
        Assert.Contains(back.Adjustments, a => a.Device == "sc-lum-000002" && a.Kind == SavingsAdjustment.MeterReplaced);
        await restarted.SavingsStreams.LastSave; // kept on disk again, as of the week added

        // the lost seq 20 arrives late, while the cloud is down: the copy on disk meets it as it is brought up to date, so
        // the month is read whole once (not again and again from the same copy)
        await one.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(20, Local(10, 29, 14), 10_100));
        clock.Advance(TimeSpan.FromSeconds(30));
        var late = setup.Restarted();
        Assert.Equal(Json(Whole()), Json(late.Savings(setup.City, "2026-11")));
        Assert.Equal(1, late.SavingsStreams.Loads);
        Assert.Equal(2, late.SavingsStreams.WholeReads); // the copy, then the whole month
        Assert.Equal(1, late.SavingsStreams.Invalidations);
        await late.SavingsStreams.LastSave;

        // a copy that cannot be read (damaged) is not used: the month is read whole, and why is said
        var store = cloud.Get<SqliteStore>();
        await store.SaveSavingsMonthAsync(setup.City.Ibge, "2026-11", store.MaxTelemetryId(), clock.GetUtcNow(), [1, 7], CancellationToken.None);
        var damaged = setup.Restarted();
        Assert.Equal(Json(Whole()), Json(damaged.Savings(setup.City, "2026-11")));
        Assert.Equal(0, damaged.SavingsStreams.Loads);
        Assert.Contains("could not be read", damaged.SavingsStreams.LastDiskProblem, StringComparison.Ordinal);
        await damaged.SavingsStreams.LastSave;

        // kept for three luminaires; the registry now has four: which ones count is a whole read's
        var registryJson = Registry.Replace("\"fleet\":{\"luminaires\":3,", "\"fleet\":{\"luminaires\":4,", StringComparison.Ordinal);
        Assert.Empty(await cloud.Get<RegistryService>().ReplaceAsync(registryJson, "test", store, cloud.Get<CidadesInteligentes.Cloud.Fleet.FleetState>(), clock, CancellationToken.None));
        Assert.Equal(4, setup.City.Luminaires.Count);
        var grown = setup.Restarted();
        Assert.Equal(Json(Whole()), Json(grown.Savings(setup.City, "2026-11")));
        Assert.Equal(0, grown.SavingsStreams.Loads);
        Assert.Equal(1, grown.SavingsStreams.WholeReads);
    }

    [Fact]
    public async Task A_restarted_cloud_answers_a_month_from_its_copy_on_disk_and_says_so_in_the_ingest_stats()
    {
        var dir = ServerProcess.CreateTempDirectory("savings-restart-http");
        try
        {
            var file = Path.Combine(dir, "registry.json");
            await File.WriteAllTextAsync(file, Registry);
            string[] args = ["--Registry:File", file];
            var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(-3)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            var path = $"/api/cities/3548906/savings?month={month}";
            string before;
            // what the readings give (the month-so-far estimates beside them move with the clock)
            static string Measured(JsonElement s) => $"{s.GetProperty("measuredKwh").GetDouble()} {s.GetProperty("reportingLuminaires").GetInt32()} "
                + string.Join(",", s.GetProperty("daily").EnumerateArray().Select(d => d.GetProperty("measuredKwh").GetDouble()));
            await using (var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), args))
            {
                var device = await cloud.DeviceAsync("sc-lum-000001");
                for (var seq = 1; seq <= 6; seq++)
                {
                    await device.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(seq, DateTimeOffset.UtcNow.AddMinutes(seq - 7), 1_000 + 5 * seq));
                }
                before = Measured(await cloud.GetJsonAsync(path));
                Assert.StartsWith("0.025 1 ", before, StringComparison.Ordinal); // 25 Wh from the one luminaire
                await Wait.UntilAsync(async () =>
                    (await cloud.GetJsonAsync("/api/ingest/stats")).GetProperty("months").GetProperty("savings").GetProperty("savedToDisk").GetInt64() == 1,
                    "the month kept on disk", TimeSpan.FromSeconds(20));
                var savings = (await cloud.GetJsonAsync("/api/ingest/stats")).GetProperty("months").GetProperty("savings");
                Assert.Equal(1, savings.GetProperty("read").GetInt64());
                Assert.Equal(0, savings.GetProperty("fromDisk").GetInt64());
                Assert.Equal(1, savings.GetProperty("held").GetInt32());
            }
            await using (var again = await CloudApp.StartAsync(Path.Combine(dir, "data"), args))
            {
                Assert.Equal(before, Measured(await again.GetJsonAsync(path)));
                var savings = (await again.GetJsonAsync("/api/ingest/stats")).GetProperty("months").GetProperty("savings");
                Assert.Equal(1, savings.GetProperty("fromDisk").GetInt64());
                Assert.Equal(0, savings.GetProperty("read").GetInt64());
                Assert.Equal(JsonValueKind.Null, savings.GetProperty("lastDiskProblem").ValueKind);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
