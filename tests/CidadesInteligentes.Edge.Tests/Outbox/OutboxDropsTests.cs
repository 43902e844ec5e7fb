using CidadesInteligentes.Edge.Core.Outbox;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Outbox;

/// <summary>
/// The outboxOverflow event's detail said "N oldest unsent messages dropped" whatever the cause, also for new messages
/// a full or read-only card could not number and for records damaged on the card: an engineer reading it on the
/// dashboard looked at the link when the card was failing. It now says which.
/// </summary>
public sealed class OutboxDropsTests
{
    [Fact]
    public void The_event_detail_names_each_cause_with_its_count_and_leaves_out_the_absent_ones()
    {
        Assert.Equal("30 unsent messages dropped: 30 oldest past the outbox limit", new OutboxDrops(30, 0, 0).Describe());
        Assert.Equal("2 unsent messages dropped: 2 new while the SD card refused writes", new OutboxDrops(0, 2, 0).Describe());
        Assert.Equal("5 unsent messages dropped: 1 oldest past the outbox limit, 3 new while the SD card refused writes, 1 damaged on the SD card",
            new OutboxDrops(1, 3, 1).Describe());
        Assert.Equal("4 unsent messages dropped: 4 damaged on the SD card", new OutboxDrops(0, 0, 4).Describe());
    }

    [Fact]
    public void Drops_taken_at_different_times_add_up_by_cause()
    {
        var sum = new OutboxDrops(1, 0, 2) + new OutboxDrops(3, 4, 0);
        Assert.Equal(new OutboxDrops(4, 4, 2), sum);
        Assert.Equal(10, sum.Total);
    }
}
