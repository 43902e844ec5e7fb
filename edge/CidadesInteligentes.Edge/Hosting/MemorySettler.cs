using System.Runtime.InteropServices;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// Gives back the memory start-up used and no longer needs: once the agent has settled (connected, first publishes,
/// start-up code compiled) and then every <see cref="Every"/>, a full compacting GC that decommits the free heap
/// (<see cref="GCCollectionMode.Aggressive"/>) and glibc's <c>malloc_trim(0)</c>, which returns the freed pages of the
/// native heaps (the JIT's and the runtime's start-up allocations) to the kernel. Measured in docs/performance.md
/// ("Edge agent footprint"): a few MB less resident on a pole that otherwise does nothing between publishes. The
/// agent's heap is small, so each pass takes about a millisecond.
/// </summary>
internal sealed class MemorySettler : IDisposable
{
    public static TimeSpan FirstAfter { get; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Between passes the hotspot's probe cycles (HTTP, a process per station read, DNS) leave heap and native memory
    /// behind: with an hourly pass it grew 30.6 → 32.9 MB from minute 5 to 15 (trimmed); every 5 minutes it stays at
    /// 30.0–30.7 MB (docs/performance.md). A pass costs about a millisecond.
    /// </summary>
    public static TimeSpan Every { get; } = TimeSpan.FromMinutes(5);

    private readonly ITimer _timer;
    private int _passes;

    public MemorySettler(TimeProvider time)
    {
        _timer = time.CreateTimer(_ => Settle(), null, FirstAfter, Every);
    }

    /// <summary>
    /// glibc's threshold above which an allocation gets its own mapping, returned to the kernel when freed. Left to
    /// glibc it grows to the largest block freed so far, so the JIT's large scratch blocks (tiered recompilation keeps
    /// going for the first half hour of a 60 s telemetry cycle) end up in the heap arenas, which only grow: the agent
    /// gained ~4.5 MB in its first 400 s. Fixed at 64 KiB it stayed within 1.5 MB (docs/performance.md).
    /// </summary>
    public const int MmapThresholdBytes = 64 * 1024;

    /// <summary>Sets the native heap's <see cref="MmapThresholdBytes"/> (glibc only); true when it was applied.</summary>
    public static bool ConfigureNativeHeap() => CallGlibc(() => Mallopt(MMmapThreshold, MmapThresholdBytes)) == 1;

    private const int MMmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h

    /// <summary>Passes run so far (tests).</summary>
    public int Passes => Volatile.Read(ref _passes);

    /// <summary>One pass: compacting GC, then the native heaps trimmed (glibc only; a no-op elsewhere).</summary>
    public void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
        Interlocked.Increment(ref _passes);
    }

    private static void TrimNativeHeap() => CallGlibc(() => MallocTrim(0));

    /// <summary>Runs a glibc-only call; null on another OS or C library (musl has neither mallopt's options nor malloc_trim).</summary>
    private static int? CallGlibc(Func<int> call)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            return call();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    public void Dispose() => _timer.Dispose();

    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int param, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
