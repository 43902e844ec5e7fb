using CidadesInteligentes.Cloud.Influx;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

public sealed class RetryBackoffTests
{
    [Fact]
    public void Doubles_from_the_first_delay_and_stops_at_the_cap()
    {
        var first = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(1);
        // 100, 200, 400, 800, then 1600 > 1000 → capped at 1000 for good
        var delays = Enumerable.Range(1, 7).Select(a => RetryBackoff.Delay(a, first, max).TotalMilliseconds).ToArray();
        Assert.Equal([100, 200, 400, 800, 1000, 1000, 1000], delays);
        Assert.Equal(max, RetryBackoff.Delay(int.MaxValue, first, max));
    }
}
