using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Fleet;

/// <summary>Alerts are saved as they change and restored at start: a restart neither forgets nor duplicates them.</summary>
public sealed class AlertPersistenceTests
{
    [Fact]
    public async Task An_open_alert_survives_a_restart_with_its_id_and_count_and_closes_afterwards()
    {
        var dir = ServerProcess.CreateTempDirectory("alerts-restart");
        var now = DateTimeOffset.UtcNow;
        long id;
        await using (var cloud = await CloudApp.StartAsync(dir))
        {
            var dev = await cloud.DeviceAsync("sc-lum-000031");
            await dev.PublishAsync(Payload.Topic("sc-lum-000031", "event"), Payload.Event(1, now, EventTypes.LampFailure, true));
            await dev.PublishAsync(Payload.Topic("sc-lum-000031", "event"), Payload.Event(2, now, EventTypes.LampFailure, true));
            // another alert that opens and closes before the restart: history
            await dev.PublishAsync(Payload.Topic("sc-lum-000031", "event"), Payload.Event(3, now, EventTypes.HighTemperature, true));
            await dev.PublishAsync(Payload.Topic("sc-lum-000031", "event"), Payload.Event(4, now, EventTypes.HighTemperature, false));
            var open = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            id = open.GetProperty("id").GetInt64();
            // saved in the background as it changed, before any shutdown
            var store = cloud.Get<SqliteStore>();
            await Wait.UntilAsync(() => store.Scalar("SELECT count(*) FROM alerts") == 2, "both alerts saved");
        }

        await using (var cloud = await CloudApp.StartAsync(dir))
        {
            var open = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            Assert.Equal(id, open.GetProperty("id").GetInt64());
            Assert.Equal("lampFailure", open.GetProperty("type").GetString());
            Assert.Equal(2, open.GetProperty("count").GetInt32()); // the repeat's count was saved at shutdown
            var closed = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=false")).EnumerateArray());
            Assert.Equal("highTemperature", closed.GetProperty("type").GetString());
            Assert.Equal(1, cloud.Get<FleetState>().OpenAlerts("3548906"));

            // the same fault reported again counts on the restored alert instead of opening a second one
            var dev = await cloud.DeviceAsync("sc-lum-000031");
            await dev.PublishAsync(Payload.Topic("sc-lum-000031", "event"), Payload.Event(5, now, EventTypes.LampFailure, true));
            var again = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            Assert.Equal(id, again.GetProperty("id").GetInt64());
            Assert.Equal(3, again.GetProperty("count").GetInt32());

            // and it closes; new alerts get ids after the restored ones
            await dev.PublishAsync(Payload.Topic("sc-lum-000031", "event"), Payload.Event(6, now, EventTypes.LampFailure, false));
            Assert.Empty((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            await dev.PublishAsync(Payload.Topic("sc-lum-000031", "event"), Payload.Event(7, now, EventTypes.RelayFailure, true));
            var relay = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            Assert.True(relay.GetProperty("id").GetInt64() > id);
            Assert.Equal(1, cloud.Get<FleetState>().OpenAlerts("3548906"));
        }

        await using (var cloud = await CloudApp.StartAsync(dir))
        {
            var open = Assert.Single((await cloud.GetJsonAsync("/api/alerts?active=true")).EnumerateArray());
            Assert.Equal("relayFailure", open.GetProperty("type").GetString());
            Assert.Equal(2, (await cloud.GetJsonAsync("/api/alerts?active=false")).GetArrayLength());
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Restore_brings_back_open_alerts_recent_history_and_the_highest_id()
    {
        var dir = ServerProcess.CreateTempDirectory("alerts-store");
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        Alert Make(long id, bool active, int closedDaysAgo) => new()
        {
            Id = id, Device = $"d{id}", City = "3548906", Type = "lampFailure", Scope = "device", Active = active,
            OpenedAt = now.AddDays(-closedDaysAgo - 1), ClosedAt = active ? null : now.AddDays(-closedDaysAgo), Count = (int)id,
        };
        using (var store = SqliteStore.Open(dir))
        {
            // 1: open for months; 2: closed long ago; 3: closed recently; 9: closed long ago but the highest id
            await store.SaveAlertsAsync([Make(1, true, 0), Make(2, false, 120), Make(3, false, 10), Make(9, false, 200)], default);
            await store.SaveAlertsAsync([Make(3, false, 5)], default); // an update of the same id, not a second row
            var restored = store.LoadAlerts(now.AddDays(-90));
            Assert.Equal([1L, 3, 9], restored.Select(a => a.Id));
            Assert.True(restored[0].Active);
            Assert.Equal(now.AddDays(-5), restored[1].ClosedAt);
            Assert.Equal(4, store.Scalar("SELECT count(*) FROM alerts"));

            var fleet = new FleetState(TimeSpan.FromMinutes(5), restore: restored);
            Assert.Equal(1, fleet.OpenAlerts());
            Assert.Equal(1, fleet.OpenAlerts(device: "d1"));
            // the next alert continues after the highest id ever given
            fleet.Apply(new TopicName("3548906", DeviceKind.Luminaire, "d5", TopicStream.Event),
                new DeviceEvent { V = 1, Seq = 1, Ts = now, Type = EventTypes.RelayFailure, Active = true }, now);
            Assert.Equal(10, fleet.Alerts(null, true).Single(a => a.Device == "d5").Id);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Stopping_with_the_hosts_time_already_spent_still_saves_every_alert()
    {
        var dir = ServerProcess.CreateTempDirectory("alerts-late-stop");
        var now = DateTimeOffset.UtcNow;
        using (var store = SqliteStore.Open(dir))
        {
            var fleet = new FleetState(TimeSpan.FromMinutes(5));
            var recorder = new AlertRecorder(fleet, store, Microsoft.Extensions.Logging.Abstractions.NullLogger<AlertRecorder>.Instance);
            await recorder.StartAsync(CancellationToken.None);
            var topic = new TopicName("3548906", DeviceKind.Luminaire, "sc-lum-000070", TopicStream.Event);
            fleet.Apply(topic, new DeviceEvent { V = 1, Seq = 1, Ts = now, Type = EventTypes.RelayFailure, Active = true }, now);
            fleet.Apply(topic, new DeviceEvent { V = 1, Seq = 2, Ts = now, Type = EventTypes.RelayFailure, Active = true }, now); // counted on the same alert

            using var spent = new CancellationTokenSource();
            await spent.CancelAsync(); // the host's shutdown timeout has already run out
            await recorder.StopAsync(spent.Token);
            recorder.Dispose();

            var saved = Assert.Single(store.LoadAlerts(now.AddDays(-1)));
            Assert.Equal(("sc-lum-000070", "relayFailure", true), (saved.Device, saved.Type, saved.Active));
            Assert.Equal(2, saved.Count);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }
}
