using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>
/// SHA-256 over a canonical text of the verdict's input: points in ordinal id order, samples by seq (duplicates
/// once), statuses by time, invariant number formats. Same data in any order → same digest.
/// </summary>
internal sealed class WifiDigest
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly StringBuilder _text = new(4096);
    private readonly long _from;
    private readonly long _to;

    public WifiDigest(string ibge, string month, long startTicks, int minutes, long validityTicks)
    {
        _from = startTicks - validityTicks;
        _to = startTicks + minutes * TimeSpan.TicksPerMinute;
        _text.Append("ci-wifi-digest-v1\n").Append(ibge).Append('\n').Append(month).Append('\n')
            .Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(validityTicks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Flush();
    }

    public void AddPoint(string device, ReadOnlySpan<WifiSample> samplesBySeq, StatusChange[] statuses)
    {
        _text.Append("point ").Append(device).Append('\n');
        foreach (ref readonly var s in samplesBySeq)
        {
            var t = s.Ts.UtcTicks;
            if (t < _from || t >= _to)
            {
                continue; // outside what the verdict looked at
            }
            var c = CultureInfo.InvariantCulture;
            _text.Append(s.Seq.ToString(c)).Append(' ').Append(t.ToString(c)).Append(' ')
                .Append(s.BackhaulUp ? '1' : '0').Append(s.PortalOk ? '1' : '0').Append(' ');
            Num(s.LatencyMs).Append(' ');
            Num(s.LossPercent).Append(' ');
            Num(s.DownMbps).Append(' ');
            Num(s.UpMbps).Append(' ')
                .Append(s.Clients.ToString(c)).Append(' ').Append(s.UniqueClientsToday.ToString(c)).Append('\n');
            if (_text.Length > 60_000)
            {
                Flush();
            }
        }
        foreach (var st in statuses)
        {
            _text.Append("status ").Append(st.Ts.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append(st.Online ? " online\n" : " offline\n");
        }
        Flush();
    }

    public string Finish()
    {
        Flush();
        var hex = Convert.ToHexStringLower(_hash.GetHashAndReset());
        _hash.Dispose();
        return hex;
    }

    private StringBuilder Num(double? v) => v is { } x ? _text.Append(x.ToString("R", CultureInfo.InvariantCulture)) : _text.Append('-');

    private void Flush()
    {
        foreach (var chunk in _text.GetChunks())
        {
            var bytes = Encoding.UTF8.GetBytes(chunk.ToArray());
            _hash.AppendData(bytes);
        }
        _text.Clear();
    }
}
