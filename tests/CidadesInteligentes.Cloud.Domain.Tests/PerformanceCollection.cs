using System.Diagnostics;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

/// <summary>Timing tests run alone so other tests' CPU does not count against them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PerformanceCollection
{
    public const string Name = "performance";

    /// <summary>
    /// Best-of-N (the first runs are tier-0 JIT code) process CPU time of <paramref name="action"/>, in ms. CPU time rather than wall time, because the
    /// build machines are shared and a loaded box stretches wall time tenfold.
    /// </summary>
    internal static double BestCpuMs(Action action, int runs = 10)
    {
        var best = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            action();
            process.Refresh();
            best = Math.Min(best, (process.TotalProcessorTime - before).TotalMilliseconds);
        }
        return best;
    }
}
