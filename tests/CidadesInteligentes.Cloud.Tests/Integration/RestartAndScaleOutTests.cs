using System.Net.Http.Json;
using System.Text.Json;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Testing;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>Real processes: the cloud killed with SIGKILL mid-stream; Mosquitto as the external broker with two cloud instances.</summary>
public sealed class RestartAndScaleOutTests
{
    [Fact]
    public async Task Kill_9_of_the_cloud_while_a_device_publishes_at_qos1_loses_and_duplicates_nothing()
    {
        var dir = ServerProcess.CreateTempDirectory("cloud-kill");
        var brokerPort = FreePort.Next();
        string[] args = ["--Broker:Port", brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Storage:Directory", dir];
        var cloud = await CloudProcess.StartAsync(args);
        const string device = "sc-lum-000500";
        await using var client = new MqttClient(new MqttClientOptions
        {
            Port = brokerPort, ClientId = device, Username = device, CleanStart = false, SessionExpirySeconds = 3600,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
        });
        await client.ConnectAsync();
        const int total = 3000;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        // a device-like publisher: up to 50 in flight, each message kept until its PUBACK (the client resends after reconnects)
        var publishing = Task.Run(async () =>
        {
            var window = new SemaphoreSlim(50);
            var pending = new List<Task>();
            for (var seq = 1; seq <= total; seq++)
            {
                await window.WaitAsync();
                var s = seq;
                pending.Add(client.PublishAsync(Payload.Topic(device, "telemetry"), Payload.Luminaire(s, start.AddSeconds(s), 1000 + s)).ContinueWith(_ => window.Release(), TaskScheduler.Default));
            }
            await Task.WhenAll(pending);
        });
        await Wait.UntilAsync(() => StoredSeqs(dir, device).Count > total / 4, "a quarter stored before the kill", TimeSpan.FromSeconds(60));
        cloud.Kill();
        var afterKill = StoredSeqs(dir, device).Count;
        Assert.True(afterKill < total, "the kill must happen mid-stream");
        // telemetry rows the killed process had not yet folded into the daily roll-ups (it folds every 10 s, and when
        // something reads them): the restarted one folds them when it opens the store
        var unfolded = CloudStoreProbe.ReadOnly(dir, "SELECT (SELECT coalesce(max(id), 0) FROM telemetry) - (SELECT up_to_id FROM rollup_fold)", r => r.GetInt64(0)).Single();
        await using var restarted = await CloudProcess.StartAsync(args);
        try
        {
            await Wait.ForAsync(publishing, "every publish acknowledged after the restart", TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; stored {StoredSeqs(dir, device).Count}, connected {client.IsConnected}, connects {client.ConnectCount}, in flight {client.InflightCount}; cloud: {restarted.Output}", e);
        }
        var seqs = StoredSeqs(dir, device);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);

        // the daily roll-ups, as the restarted cloud serves them, count every message once and span the registers
        // 1,001 … 4,000 Wh (the seqs may cross local midnight, and with it a month)
        var months = new[] { start.AddSeconds(1), start.AddSeconds(total) }.Select(t => CidadesInteligentes.Cloud.Ingest.Ingestor.LocalDate(t)[..7]).Distinct();
        var days = new List<JsonElement>();
        foreach (var month in months)
        {
            days.AddRange((await restarted.Http.GetFromJsonAsync<JsonElement>($"/api/devices/{device}/daily?month={month}")).EnumerateArray());
        }
        Assert.True(total == days.Sum(d => d.GetProperty("messages").GetInt64()), $"roll-ups count {days.Sum(d => d.GetProperty("messages").GetInt64())} messages, {unfolded} rows unfolded at the kill");
        Assert.Equal(1001.0, days.Min(d => d.GetProperty("energyMinWh").GetDouble()));
        Assert.Equal(4000.0, days.Max(d => d.GetProperty("energyMaxWh").GetDouble()));
        await cloud.DisposeAsync();
    }

    [Fact]
    public async Task Two_cloud_instances_behind_mosquitto_split_one_devices_messages_and_store_each_seq_and_days_count_once()
    {
        await using var mosquitto = await MosquittoServer.StartAsync();
        var dir = ServerProcess.CreateTempDirectory("cloud-shared");
        await using var a = await CloudProcess.StartAsync(UpstreamArgs(mosquitto, "cloud-a", dir));
        await using var b = await CloudProcess.StartAsync(UpstreamArgs(mosquitto, "cloud-b", dir));
        const string device = "sc-lum-000600";
        await using var client = new MqttClient(new MqttClientOptions { Port = mosquitto.Port, ClientId = device, Username = device, CleanStart = false, SessionExpirySeconds = 600 });
        await client.ConnectAsync();
        // one local day's readings (yesterday 10:00–10:33 in São Paulo), register 50,001.5 Wh + 1.5 Wh per message
        var saoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
        var day = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, saoPaulo).Date.AddDays(-1);
        var start = new DateTimeOffset(day.AddHours(10), saoPaulo.GetUtcOffset(day.AddHours(10)));
        static double Register(int seq) => 50_000 + (seq * 1.5);
        const int total = 2000;
        var sends = new List<Task>();
        for (var seq = 1; seq <= total; seq++)
        {
            sends.Add(client.PublishAsync(Payload.Topic(device, "telemetry"), Payload.Luminaire(seq, start.AddSeconds(seq), Register(seq))));
        }
        // a device that lost its PUBACKs resends: replays of 1..200 must not be stored twice
        for (var seq = 1; seq <= 200; seq++)
        {
            sends.Add(client.PublishAsync(Payload.Topic(device, "telemetry"), Payload.Luminaire(seq, start.AddSeconds(seq), Register(seq))));
        }
        await Task.WhenAll(sends);
        await Wait.UntilAsync(() => StoredSeqs(dir, device).Count == total, "all seqs stored", TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(async () => (await Stats(a)).GetProperty("received").GetInt64() + (await Stats(b)).GetProperty("received").GetInt64() == total + 200, "every message received once by one instance");
        var sa = await Stats(a);
        var sb = await Stats(b);
        Assert.True(sa.GetProperty("stored").GetInt64() > 0 && sb.GetProperty("stored").GetInt64() > 0, "both instances stored part of the load");
        Assert.Equal(total, sa.GetProperty("stored").GetInt64() + sb.GetProperty("stored").GetInt64());
        Assert.Equal(200, sa.GetProperty("duplicates").GetInt64() + sb.GetProperty("duplicates").GetInt64());
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), StoredSeqs(dir, device));

        // the day's roll-up in the shared store counts every message once (not the 200 replays), and the day's energy
        // is the last register minus the first: 53,000 − 50,001.5 = 2,998.5 Wh
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        DailyRollup rollup;
        using (var store = SqliteStore.Open(dir))
        {
            rollup = Assert.Single(store.DailyRollups(null, device, date, date));
        }
        Assert.Equal(total, rollup.Messages);
        Assert.Equal(Register(1), rollup.EnergyMinWh);
        Assert.Equal(Register(total), rollup.EnergyMaxWh);
        Assert.Equal(2998.5, rollup.EnergyWithinDayWh);
        Assert.Equal(start.AddSeconds(1), rollup.FirstTs);
        Assert.Equal(start.AddSeconds(total), rollup.LastTs);
        Assert.Equal(60, rollup.BurnMinS);
        Assert.Equal(total * 60, rollup.BurnMaxS);

        // and both instances' APIs give the same numbers
        var month = day.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var fromA = await a.Http.GetFromJsonAsync<JsonElement>($"/api/devices/{device}/daily?month={month}");
        var fromB = await b.Http.GetFromJsonAsync<JsonElement>($"/api/devices/{device}/daily?month={month}");
        Assert.Equal(fromA.GetRawText(), fromB.GetRawText());
        var api = Assert.Single(fromA.EnumerateArray());
        Assert.Equal(date, api.GetProperty("date").GetString());
        Assert.Equal(total, api.GetProperty("messages").GetInt64());
        Assert.Equal(2998.5, api.GetProperty("energyWithinDayWh").GetDouble());
    }
}
