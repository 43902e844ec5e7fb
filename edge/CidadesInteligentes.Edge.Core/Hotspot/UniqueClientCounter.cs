using System.Buffers.Binary;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Counts distinct stations since local midnight without keeping MAC addresses (LGPD, domain.md): each MAC is
/// reduced to HMAC-SHA-256 under a random key that exists only in this object's memory and is replaced, with the
/// set of hashes, at every local midnight. Only the count ever leaves it; neither MACs nor hashes are exposed.
/// </summary>
public sealed class UniqueClientCounter : IDisposable
{
    /// <summary>Upper bound of <c>uniqueClientsToday</c> in the contract; also caps memory.</summary>
    public const int MaxCount = 100_000;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly HashSet<UInt128> _seen = [];
    private readonly byte[] _key = new byte[32];
    private readonly StationHasher _hasher;
    private DateOnly _day;

    public UniqueClientCounter(TimeProvider timeProvider, TimeZoneInfo? zone = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _zone = zone ?? TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
        StationHasher.FillRandom(_key);
        _hasher = new StationHasher(_key);
        _key.AsSpan().Clear();
        _day = Today();
    }

    /// <summary>Distinct stations seen since local midnight.</summary>
    public int CountToday
    {
        get
        {
            lock (_gate)
            {
                RotateIfNewDay();
                return _seen.Count;
            }
        }
    }

    public void Observe(IEnumerable<WifiStation> stations)
    {
        ArgumentNullException.ThrowIfNull(stations);
        lock (_gate)
        {
            RotateIfNewDay();
            Span<byte> digest = stackalloc byte[32];
            foreach (var station in stations)
            {
                if (_seen.Count >= MaxCount)
                {
                    return;
                }
                _hasher.HashMac(station.Mac, digest);
                // 128 of the 256 bits: a collision among 100 000 stations has probability ~1e-29.
                _seen.Add(BinaryPrimitives.ReadUInt128LittleEndian(digest));
            }
        }
    }

    /// <summary>
    /// Tests only (internal; never logged, sent or written): the digest <paramref name="mac"/> gets now, under the key in
    /// force after the same midnight check <see cref="Observe"/> makes. Lets a test see the key change without the key.
    /// </summary>
    internal void DigestNow(string mac, Span<byte> digest)
    {
        lock (_gate)
        {
            RotateIfNewDay();
            _hasher.HashMac(mac, digest);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _key.AsSpan().Clear();
            _hasher.Rekey(_key); // overwrites the pad state derived from the day's key
            _seen.Clear();
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone).DateTime);

    private void RotateIfNewDay()
    {
        var today = Today();
        if (today != _day)
        {
            Rotate(today);
        }
    }

    private void Rotate(DateOnly today)
    {
        StationHasher.FillRandom(_key);
        _hasher.Rekey(_key);
        _key.AsSpan().Clear(); // the hasher holds the only copy
        _seen.Clear();
        _day = today;
    }
}
