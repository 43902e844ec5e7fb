using CidadesInteligentes.Edge.Core.Hotspot;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

public sealed class WanCounterReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sysnet-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private void Set(long rx, long tx)
    {
        var statistics = Directory.CreateDirectory(Path.Combine(_root, "eth0", "statistics")).FullName;
        File.WriteAllText(Path.Combine(statistics, "rx_bytes"), $"{rx}\n");
        File.WriteAllText(Path.Combine(statistics, "tx_bytes"), $"{tx}\n");
    }

    [Fact]
    public void Reads_sysfs_counters_and_stays_monotonic_across_a_counter_reset()
    {
        var reader = new WanCounterReader("eth0", _root);
        Set(1000, 500);
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(new WanCounters(1000, 500), first);

        Set(1500, 700);
        reader.TryRead(out var second);
        Assert.Equal(new WanCounters(1500, 700), second);

        // interface recreated: kernel restarts at rx 200, tx 50; reported = 1500 + 200, 700 + 50.
        Set(200, 50);
        reader.TryRead(out var afterReset);
        Assert.Equal(new WanCounters(1700, 750), afterReset);

        Set(300, 60);
        reader.TryRead(out var later);
        Assert.Equal(new WanCounters(1800, 760), later);
    }

    [Fact]
    public void Missing_interface_is_reported_not_thrown()
    {
        Directory.CreateDirectory(_root);
        Assert.False(new WanCounterReader("wwan0", _root).TryRead(out _));
    }
}
