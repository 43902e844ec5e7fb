using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Agents;

public sealed class OutboxAndHotspotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 15, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Kinds => ["memory", "durable"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Both_outboxes_number_each_stream_from_one_keep_order_and_count_overflow(string kind)
    {
        var dir = Path.Combine(Path.GetTempPath(), "iobox-" + Guid.NewGuid().ToString("N"));
        var time = new ManualTimeProvider(T0);
        IOutbox outbox = kind == "memory"
            ? new MemoryOutbox(maxMessages: 100)
            : new DurableOutboxAdapter(new DurableOutbox(new OutboxOptions(dir, MaxMessages: 100), time));
        try
        {
            var a = outbox.Enqueue("telemetry", "t", T0, s => new byte[] { (byte)s });
            var b = outbox.Enqueue("event", "e", T0, s => new byte[] { (byte)s });
            var c = outbox.Enqueue("telemetry", "t", T0, s => new byte[] { (byte)s });
            Assert.Equal((1, 1, 2), (a.Seq, b.Seq, c.Seq));
            Assert.Equal([a.Id, b.Id, c.Id], outbox.Peek(10).Select(m => m.Id));
            Assert.Equal([c.Id], outbox.Peek(10, afterId: b.Id).Select(m => m.Id));
            Assert.True(outbox.Ack(b.Id));
            Assert.False(outbox.Ack(b.Id));
            Assert.Equal(2, outbox.PendingCount);

            // 100 more: the queue holds 100, so the 2 oldest go and are counted once.
            for (var i = 0; i < 100; i++)
            {
                outbox.Enqueue("telemetry", "t", T0, s => new byte[] { (byte)s });
            }
            Assert.Equal(100, outbox.PendingCount);
            Assert.Equal(new OutboxDrops(Oldest: 2, NoSeq: 0, Damaged: 0), outbox.TakeOverflowCount());
            Assert.Equal(default, outbox.TakeOverflowCount());
            Assert.Equal(3, outbox.Peek(1)[0].Seq);
            Assert.Equal(102, outbox.LastSeq("telemetry"));
        }
        finally
        {
            (outbox as IDisposable)?.Dispose();
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Hotspot_agent_reports_valid_telemetry_and_raises_and_clears_backhaul_and_portal_events()
    {
        var time = new ManualTimeProvider(T0);
        var outbox = new MemoryOutbox();
        var agent = new HotspotAgent(new DeviceIdentity("sc-wifi-03", "3548906", DeviceKind.Hotspot), outbox, null, time);
        HotspotTelemetry Sample(bool backhaul, bool portal) => new()
        {
            BackhaulUp = backhaul, PortalOk = portal, Clients = 4, UniqueClientsToday = 9, RxBytes = 1000, TxBytes = 200, LatencyMs = 21,
        };

        agent.Report(time.GetUtcNow(), Sample(true, true));
        time.Advance(TimeSpan.FromMinutes(1));
        agent.Report(time.GetUtcNow(), Sample(false, false));
        time.Advance(TimeSpan.FromMinutes(1));
        agent.Report(time.GetUtcNow(), Sample(false, true));
        time.Advance(TimeSpan.FromMinutes(1));
        agent.Report(time.GetUtcNow(), Sample(true, true));

        var events = new List<DeviceEvent>();
        var telemetry = new List<HotspotTelemetry>();
        foreach (var m in outbox.Peek(100))
        {
            var v = TelemetryValidator.Validate(m.Topic, m.Payload.Span, time.GetUtcNow());
            Assert.True(v.IsValid, v.Describe());
            if (v.Payload is DeviceEvent e)
            {
                events.Add(e);
            }
            else
            {
                telemetry.Add(Assert.IsType<HotspotTelemetry>(v.Payload));
            }
        }
        Assert.Equal([1L, 2L, 3L, 4L], telemetry.Select(t => t.Seq!.Value));
        Assert.Equal(180, telemetry[3].UptimeS);
        Assert.Equal(
            [(EventTypes.BackhaulDown, true), (EventTypes.PortalDown, true), (EventTypes.PortalDown, false), (EventTypes.BackhaulDown, false)],
            events.Select(e => (e.Type!, e.Active!.Value)));
        Assert.Equal(T0.AddMinutes(1), events[0].Ts);
        Assert.Empty(agent.ActiveConditions);
    }
}
