using System.Diagnostics;
using CidadesInteligentes.Cloud.Influx;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

/// <summary>The series copy must not hold the host's shutdown hostage while InfluxDB is down.</summary>
public sealed class InfluxDownShutdownTests
{
    [Fact]
    public async Task With_influxd_down_and_lines_queued_the_host_stops_in_seconds_and_saves_its_alerts()
    {
        var dir = ServerProcess.CreateTempDirectory("influx-down");
        var nothingListens = $"http://127.0.0.1:{FreePort.Next()}/";
        var cloud = await CloudApp.StartAsync(dir, "--Influx:Url", nothingListens);
        var dev = await cloud.DeviceAsync("sc-lum-000710");
        var now = DateTimeOffset.UtcNow;
        await dev.PublishAsync(Payload.Topic("sc-lum-000710", "event"), Payload.Event(1, now, EventTypes.LampFailure, true));
        // a repeat only bumps the open alert's count, which is saved at shutdown
        await dev.PublishAsync(Payload.Topic("sc-lum-000710", "event"), Payload.Event(2, now, EventTypes.LampFailure, true));
        var sink = cloud.Get<InfluxSink>();
        await Wait.UntilAsync(() => sink.Counters.Retried > 0, "the copy to InfluxDB failing and being retried");
        Assert.Equal(0, sink.Counters.Written);

        var stopping = Stopwatch.StartNew();
        await cloud.DisposeAsync(); // stops the host (default shutdown timeout 30 s), then disposes it
        Assert.InRange(stopping.Elapsed.TotalSeconds, 0, 20);

        using (var store = SqliteStore.Open(dir))
        {
            Assert.Equal(2, store.Scalar("SELECT count FROM alerts WHERE device = 'sc-lum-000710' AND active = 1"));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }
}
