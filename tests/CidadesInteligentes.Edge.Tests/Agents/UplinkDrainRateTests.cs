using System.Collections.Concurrent;
using System.Text.Json;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

/// <summary>The uplink's drain after an outage: token-bucket bound on the rate clock, oldest first, each message once.</summary>
public sealed class UplinkDrainRateTests
{
    private const int Backlog = 50;
    private const int Burst = 5;
    private const int PerSecond = 5;

    [Fact]
    public void Token_bucket_allows_a_burst_then_the_refill_rate()
    {
        // capacity 5, 2 tokens/s: 5 at once, then 0, then after 1.5 s 3 tokens (floor of 3.0).
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(5, 2, time);
        Assert.Equal(5, bucket.TakeUpTo(10));
        Assert.Equal(0, bucket.TakeUpTo(10));
        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(3, bucket.TakeUpTo(10));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, bucket.TakeUpTo(10));
    }

    [Fact]
    public void Token_bucket_says_how_long_until_its_next_whole_token()
    {
        // capacity 2, 4 tokens/s: full → 0; both taken → 0.25 s; 0.1 s later 0.4 tokens → 0.15 s more.
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(2, 4, time);
        Assert.Equal(TimeSpan.Zero, bucket.UntilNextToken());
        Assert.Equal(2, bucket.TakeUpTo(5));
        Assert.Equal(TimeSpan.FromSeconds(0.25), bucket.UntilNextToken());
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0.15, bucket.UntilNextToken().TotalSeconds, 6);
    }

    [Fact]
    public void Idle_drain_loop_sleeps_a_second_and_a_rate_limited_one_until_the_next_token()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), Uplink.IdleWait(rateLimited: false, () => throw new InvalidOperationException("not asked")));
        Assert.Equal(TimeSpan.FromMilliseconds(200), Uplink.IdleWait(rateLimited: true, () => TimeSpan.FromMilliseconds(200)));
        // never a busy loop, never longer than the safety-net poll
        Assert.Equal(Uplink.MinRateWait, Uplink.IdleWait(rateLimited: true, () => TimeSpan.Zero));
        Assert.Equal(Uplink.IdlePoll, Uplink.IdleWait(rateLimited: true, () => TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Backlog_queued_offline_drains_within_burst_plus_rate_in_seq_order_each_once()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var identity = new DeviceIdentity("sc-wifi-rate", "3548906", DeviceKind.Hotspot, "2.0.0");
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var outbox = new MemoryOutbox();
        var agent = new HotspotAgent(identity, outbox, null, time);
        // Queued while the uplink has no connection.
        for (var i = 0; i < Backlog; i++)
        {
            agent.Report(time.GetUtcNow(), new HotspotTelemetry { BackhaulUp = true, PortalOk = true, Clients = i, UniqueClientsToday = i, RxBytes = i, TxBytes = i });
        }

        var seqs = new ConcurrentQueue<long>();
        await using var observer = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "observer-rate" });
        await observer.ConnectAsync();
        await observer.SubscribeAsync(identity.Topic(TopicStream.Telemetry), 1);
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var m in observer.Messages.ReadAllAsync(cts.Token))
            {
                seqs.Enqueue(JsonSerializer.Deserialize(m.Payload.Span, TelemetryJson.Default.HotspotTelemetry)!.Seq!.Value);
            }
        });

        var options = new UplinkOptions("127.0.0.1", broker.Port, "secret-not-checked-here")
        {
            DrainPerSecond = PerSecond,
            DrainBurst = Burst,
            MaxInFlight = 8,
        };
        await using var uplink = new Uplink(agent, options, time);
        var started = time.GetUtcNow();
        await uplink.StartAsync(CancellationToken.None);

        // Bound: what the broker acknowledged (and what reached a subscriber) never exceeds burst + rate × elapsed
        // on the rate clock; the in-flight window (8) only limits it further. Each step waits for the bound, then
        // for two more drain passes that saw messages waiting and held them back, so nothing past it is still coming.
        for (var step = 0; ; step++)
        {
            var elapsed = (time.GetUtcNow() - started).TotalSeconds;
            var bound = Math.Min(Backlog, Burst + (int)Math.Floor(PerSecond * elapsed));
            await Wait.UntilAsync(() => uplink.Published >= bound && seqs.Count >= bound, $"{bound} published at {elapsed} s");
            if (bound < Backlog)
            {
                var passes = uplink.RateLimitedPasses;
                await Wait.UntilAsync(() => uplink.RateLimitedPasses >= passes + 2, $"the drain held back at {elapsed} s");
                Assert.Equal(0, uplink.InFlight); // nothing handed past the bound and still unacknowledged
            }
            Assert.Equal(bound, uplink.Published);
            Assert.Equal(bound, seqs.Count);
            if (bound == Backlog)
            {
                break;
            }
            Assert.True(step < 20, "backlog not drained in 20 steps");
            // Half-second steps: 2.5 tokens each, so the fractional token carries over to the next step.
            time.Advance(TimeSpan.FromSeconds(0.5));
        }

        Assert.Equal(Enumerable.Range(1, Backlog).Select(i => (long)i), seqs); // seq order, each exactly once
        Assert.Equal(0, outbox.PendingCount);
        await uplink.StopAsync(TimeSpan.FromSeconds(2));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader);
    }
}
