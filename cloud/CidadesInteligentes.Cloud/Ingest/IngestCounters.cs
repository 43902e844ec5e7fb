using System.Collections.Concurrent;

namespace CidadesInteligentes.Cloud.Ingest;

/// <summary>Ingest counters served by <c>GET /api/ingest/stats</c>. Thread-safe, lock-free on the hot path.</summary>
internal sealed class IngestCounters
{
    private long _received;
    private long _stored;
    private long _duplicates;
    private long _securityEvents;
    private long _storeErrors;
    private long _wills;
    private long _upstreamRedeliveryReconnects;
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);

    public long Received => Interlocked.Read(ref _received);
    public long Stored => Interlocked.Read(ref _stored);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long SecurityEvents => Interlocked.Read(ref _securityEvents);
    public long StoreErrors => Interlocked.Read(ref _storeErrors);
    public long Wills => Interlocked.Read(ref _wills);

    /// <summary>Upstream session reconnects made so the external broker redelivers messages whose commit failed.</summary>
    public long UpstreamRedeliveryReconnects => Interlocked.Read(ref _upstreamRedeliveryReconnects);
    public long RejectedTotal => _rejected.Values.Sum();

    public IReadOnlyDictionary<string, long> Rejected => new SortedDictionary<string, long>(_rejected, StringComparer.Ordinal);

    public long RejectedFor(string reason) => _rejected.TryGetValue(reason, out var n) ? n : 0;

    public void OnReceived() => Interlocked.Increment(ref _received);
    public void OnStored() => Interlocked.Increment(ref _stored);
    public void OnDuplicate() => Interlocked.Increment(ref _duplicates);
    public void OnSecurityEvent() => Interlocked.Increment(ref _securityEvents);
    public void OnStoreError() => Interlocked.Increment(ref _storeErrors);
    public void OnWill() => Interlocked.Increment(ref _wills);
    public void OnUpstreamRedeliveryReconnect() => Interlocked.Increment(ref _upstreamRedeliveryReconnects);
    public void OnRejected(string reason) => _rejected.AddOrUpdate(reason, 1, static (_, n) => n + 1);
}
