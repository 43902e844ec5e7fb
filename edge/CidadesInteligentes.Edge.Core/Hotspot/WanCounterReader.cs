using System.Globalization;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Reads <c>{root}/{interface}/statistics/{rx,tx}_bytes</c> (root <c>/sys/class/net</c> on Linux; a temp folder in
/// tests). The kernel counters restart at 0 when the interface is recreated; the reader carries the previous total
/// forward so the reported counters stay monotonic for the life of the process, as the contract asks.
/// </summary>
public sealed class WanCounterReader(string wanInterface, string sysClassNetRoot = "/sys/class/net")
{
    private readonly object _gate = new();
    private WanCounters _lastRaw;
    private WanCounters _carried;

    public bool TryRead(out WanCounters counters)
    {
        var statistics = Path.Combine(sysClassNetRoot, wanInterface, "statistics");
        if (!TryReadNumber(Path.Combine(statistics, "rx_bytes"), out var rx) || !TryReadNumber(Path.Combine(statistics, "tx_bytes"), out var tx))
        {
            counters = default;
            return false;
        }
        lock (_gate)
        {
            var carriedRx = rx < _lastRaw.RxBytes ? _carried.RxBytes + _lastRaw.RxBytes : _carried.RxBytes;
            var carriedTx = tx < _lastRaw.TxBytes ? _carried.TxBytes + _lastRaw.TxBytes : _carried.TxBytes;
            _carried = new WanCounters(carriedRx, carriedTx);
            _lastRaw = new WanCounters(rx, tx);
            counters = new WanCounters(carriedRx + rx, carriedTx + tx);
            return true;
        }
    }

    private static bool TryReadNumber(string path, out long value)
    {
        value = 0;
        try
        {
            return long.TryParse(File.ReadAllText(path).AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
