using CidadesInteligentes.Cloud.Influx;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

/// <summary>The sink against Debian's real influxd (1.x), started per test on free loopback ports.</summary>
public sealed class InfluxServerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 21, 0, 0, TimeSpan.Zero);

    private static InfluxSettings Settings(InfluxServer server) => new(server.Url, "ci")
    {
        BatchSize = 100,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    };

    private static async Task<long> CountAsync(InfluxWriter writer, string query)
    {
        var series = await writer.Http.QueryAsync(query, CancellationToken.None);
        return series.Count == 0 ? 0 : series.Sum(s => s.Column("count").Sum(v => v.GetInt64()));
    }

    [Fact]
    public void A_missing_influxd_is_a_failure_naming_the_package()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ServerProcess.Locate("influxd-not-installed", "influxdb"));
        Assert.Contains("Install the Debian package 'influxdb'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telemetry_written_is_read_back_with_influxql()
    {
        await using var server = await InfluxServer.StartAsync();
        using var http = new HttpClient();
        await using var writer = new InfluxWriter(Settings(server), http, TimeProvider.System);
        await writer.Http.CreateDatabaseAsync(CancellationToken.None);
        var topic = new TopicName("3550308", DeviceKind.Luminaire, "sp-lum-000001", TopicStream.Telemetry);
        var w = new LineProtocolWriter();
        for (var i = 0; i < 3; i++)
        {
            var t = new LuminaireTelemetry
            {
                V = 1, Seq = i, Ts = T0.AddMinutes(i), EnergyWh = 1000 + (i * 58.5), PowerW = 58.5, DimPercent = 100, LampOn = true,
            };
            Assert.True(InfluxMapping.TryWrite(w, topic, t, InfluxPrecision.Nanoseconds, T0));
            await writer.WriteAsync(w.LastLine(), CancellationToken.None);
        }
        await Wait.ForAsync(writer.FlushAsync(CancellationToken.None), "flush to influxd");

        var series = await writer.Http.QueryAsync(
            "SELECT \"energyWh\", \"dimPercent\", \"lampOn\" FROM \"luminaire_telemetry\" WHERE \"city\" = '3550308' GROUP BY \"device\"",
            CancellationToken.None);
        var s = Assert.Single(series);
        Assert.Equal("sp-lum-000001", s.Tags["device"]);
        // 1000, 1000 + 58.5, 1000 + 2 × 58.5
        Assert.Equal([1000.0, 1058.5, 1117.0], s.Column("energyWh").Select(v => v.GetDouble()));
        Assert.All(s.Column("dimPercent"), v => Assert.Equal(100, v.GetInt64()));
        Assert.All(s.Column("lampOn"), v => Assert.True(v.GetBoolean()));
        Assert.Equal(LineProtocolWriter.ToTimestamp(T0, InfluxPrecision.Nanoseconds), s.Column("time").First().GetInt64());
        Assert.Equal(new InfluxCounters(3, 0, 0, writer.Counters.Batches, 0), writer.Counters);
    }

    [Fact]
    public async Task A_partial_write_drops_only_the_poison_lines_and_keeps_the_rest()
    {
        await using var server = await InfluxServer.StartAsync();
        using var http = new HttpClient();
        await using var writer = new InfluxWriter(Settings(server) with { BatchSize = 5_000, FlushInterval = TimeSpan.FromSeconds(1) },
            http, TimeProvider.System);
        await writer.Http.CreateDatabaseAsync(CancellationToken.None);
        var w = new LineProtocolWriter();
        for (var i = 0; i < 50; i++)
        {
            w.Begin("luminaire_telemetry").Tag("city", "3550308").Tag("device", "d1").Field("powerW", 50.0 + i).End(T0.AddSeconds(i), InfluxPrecision.Nanoseconds);
            var line = i switch
            {
                17 => "luminaire_telemetry,city=3550308,device=d1 powerW=", // unparsable
                33 => w.LastLine().Replace("powerW=83", "powerW=\"83\"", StringComparison.Ordinal), // field type conflict
                _ => w.LastLine(),
            };
            await writer.WriteAsync(line, CancellationToken.None);
        }
        await Wait.ForAsync(writer.FlushAsync(CancellationToken.None), "flush with two poison lines");

        Assert.Equal(48, await CountAsync(writer, "SELECT count(\"powerW\") FROM \"luminaire_telemetry\""));
        Assert.Equal(2, writer.Counters.Dropped);
        Assert.Equal(48, writer.Counters.Written);
        var drops = writer.RecentDrops;
        Assert.Contains("unable to parse", drops[0].Error, StringComparison.Ordinal);
        Assert.Contains("field type conflict", drops[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_restart_mid_stream_loses_and_duplicates_nothing()
    {
        const int Points = 3_000;
        var first = await InfluxServer.StartAsync();
        await using var _ = first;
        using var http = new HttpClient();
        await using var writer = new InfluxWriter(Settings(first), http, TimeProvider.System);
        await writer.Http.CreateDatabaseAsync(CancellationToken.None);
        // the second half is written only once influxd is down: had every point been sent before the kill (a quick writer
        // can send all 30 batches before the test sees the first 300), nothing would be left to retry and nothing tested
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = Task.Run(async () =>
        {
            var w = new LineProtocolWriter();
            for (var i = 0; i < Points; i++)
            {
                if (i == Points / 2)
                {
                    await killed.Task;
                }
                w.Begin("hotspot_telemetry").Tag("city", "3548906").Tag("device", $"sc-hot-{i % 10:000000}").Tag("kind", "hotspot")
                    .Field("seq", (long)(i / 10)).Field("clients", (long)(i % 37)).End(T0.AddSeconds(i / 10), InfluxPrecision.Nanoseconds);
                await writer.WriteAsync(w.LastLine(), CancellationToken.None);
                if (i % 50 == 0)
                {
                    await Task.Yield();
                }
            }
        });

        await Wait.UntilAsync(() => writer.Counters.Written >= 300, "some batches stored before the crash");
        first.Kill();
        killed.SetResult();
        await Wait.UntilAsync(() => writer.Counters.Retried >= 1, "writer retrying while influxd is down");
        await using var second = await first.RestartAsync();
        await Wait.ForAsync(producer, "producer done");
        await Wait.ForAsync(writer.FlushAsync(CancellationToken.None), "everything flushed after the restart", TimeSpan.FromSeconds(60));

        Assert.Equal(Points, writer.Counters.Written);
        Assert.Equal(0, writer.Counters.Dropped);
        // ten devices × 300 timestamps: a duplicate would overwrite, a loss would show as a smaller count
        Assert.Equal(Points, await CountAsync(writer, "SELECT count(\"clients\") FROM \"hotspot_telemetry\""));
        Assert.Equal(10, (await writer.Http.QueryAsync("SELECT count(\"clients\") FROM \"hotspot_telemetry\" GROUP BY \"device\"", CancellationToken.None)).Count);
    }
}
