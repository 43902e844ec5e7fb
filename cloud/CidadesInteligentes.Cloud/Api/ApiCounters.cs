using System.Collections.Concurrent;
using System.Globalization;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>
/// API requests refused with a 4xx, by status (<c>apiRefused</c> in <c>/api/ingest/stats</c>): a dashboard or script
/// sending bad months, unknown cities or no key shows up as a rising count, not only as answers nobody reads.
/// </summary>
internal sealed class ApiCounters
{
    private readonly ConcurrentDictionary<int, long> _refused = new();

    private long _notModified;

    public void Refused(int status) => _refused.AddOrUpdate(status, 1, static (_, n) => n + 1);

    /// <summary>GET answers not sent again because the client had them (<c>304</c>, <c>apiNotModified</c> in <c>/api/ingest/stats</c>).</summary>
    public long NotModified => Interlocked.Read(ref _notModified);

    public void CountNotModified() => Interlocked.Increment(ref _notModified);

    /// <summary>Status code (as text, for JSON) → count, in status order.</summary>
    public SortedDictionary<string, long> Snapshot() =>
        new(_refused.ToDictionary(static p => p.Key.ToString(CultureInfo.InvariantCulture), static p => p.Value), StringComparer.Ordinal);
}
