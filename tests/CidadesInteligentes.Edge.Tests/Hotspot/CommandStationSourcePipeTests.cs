using CidadesInteligentes.Edge.Core.Hotspot;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

/// <summary>Runs alone: it counts this test process's open pipes, which other tests' child processes would change.</summary>
[CollectionDefinition(nameof(CommandStationSourcePipeTests), DisableParallelization = true)]
public sealed class CommandStationSourcePipeCollection;

/// <summary>
/// The hotspot runs <c>iw</c> every probe cycle for years. Each run's standard-output pipe must be closed when the
/// read ends, not when the garbage collector finalises it: <c>Process.Dispose</c> leaves a reader the caller has
/// used open, and an agent that allocates little collects rarely, so the pipes piled up (one a minute on the bench).
/// </summary>
[Collection(nameof(CommandStationSourcePipeTests))]
public sealed class CommandStationSourcePipeTests
{
    private static int OpenPipes() =>
        new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Count(f => f.LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true);

    [Fact]
    public async Task Each_run_closes_its_output_pipe()
    {
        var source = new CommandStationSource("cat", [StationParserTests.Fixture("iw-station-dump.txt")], IwStationDumpParser.Parse);
        await source.ReadAsync(CancellationToken.None); // warm-up: whatever the first Process start keeps open for good
        var before = OpenPipes();
        // no garbage collection (and so no finalizer) may close the pipes behind the code's back while it runs
        Assert.True(GC.TryStartNoGCRegion(16 * 1024 * 1024), "could not suspend garbage collection for the check");
        try
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal(3, (await source.ReadAsync(CancellationToken.None)).Count);
            }
        }
        finally
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
        Assert.InRange(OpenPipes() - before, -50, 2);
    }
}
