using CidadesInteligentes.Edge.Hosting;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Host;

public class MemorySettlerTests
{
    [Fact]
    public void Settles_once_after_start_up_and_then_every_hour()
    {
        var clock = new ManualTimeProvider();
        using var settler = new MemorySettler(clock);

        clock.Advance(MemorySettler.FirstAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(0, settler.Passes);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, settler.Passes);
        clock.Advance(MemorySettler.Every - TimeSpan.FromSeconds(1));
        Assert.Equal(1, settler.Passes);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, settler.Passes);
    }

    [Fact]
    public void A_pass_runs_a_full_blocking_collection_and_the_native_trim_without_throwing()
    {
        using var settler = new MemorySettler(new ManualTimeProvider());
        var before = GC.CollectionCount(GC.MaxGeneration);

        settler.Settle();

        Assert.True(GC.CollectionCount(GC.MaxGeneration) > before);
        Assert.Equal(1, settler.Passes);
    }

    [Fact]
    public void Fixes_the_native_heap_mmap_threshold_on_glibc()
    {
        // this machine (Debian) runs glibc: mallopt accepts the value
        Assert.True(MemorySettler.ConfigureNativeHeap());
    }

    [Fact]
    public void Stops_when_disposed()
    {
        var clock = new ManualTimeProvider();
        var settler = new MemorySettler(clock);
        settler.Dispose();

        clock.Advance(MemorySettler.FirstAfter + MemorySettler.Every);

        Assert.Equal(0, settler.Passes);
    }
}
