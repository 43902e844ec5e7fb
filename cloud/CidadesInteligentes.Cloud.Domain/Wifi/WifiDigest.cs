using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>
/// SHA-256 over a canonical binary form of the verdict's input: points in ordinal id order, samples by seq
/// (duplicates once), statuses by time; integers and IEEE-754 doubles little-endian, absent values as a 0 flag.
/// Same data in any order → same digest. Binary rather than text: a city-month is ~200,000 samples.
/// </summary>
internal sealed class WifiDigest
{
    private const int RecordBytes = 8 + 8 + 1 + 4 * 9 + 4 + 4;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly long _from;
    private readonly long _to;
    private int _used;

    public WifiDigest(string ibge, string month, long startTicks, int minutes, long validityTicks)
    {
        _from = startTicks - validityTicks;
        _to = startTicks + minutes * TimeSpan.TicksPerMinute;
        Text("ci-wifi-digest-v1");
        Text(ibge);
        Text(month);
        Long(startTicks);
        Long(minutes);
        Long(validityTicks);
    }

    public void AddPoint(string device, ReadOnlySpan<WifiSample> samplesBySeq, StatusChange[] statuses)
    {
        Text("point");
        Text(device);
        foreach (ref readonly var s in samplesBySeq)
        {
            var t = s.Ts.UtcTicks;
            if (t < _from || t >= _to)
            {
                continue; // outside what the verdict looked at
            }
            Ensure(RecordBytes);
            Long(s.Seq);
            Long(t);
            _buffer[_used++] = (byte)((s.BackhaulUp ? 1 : 0) | (s.PortalOk ? 2 : 0));
            Number(s.LatencyMs);
            Number(s.LossPercent);
            Number(s.DownMbps);
            Number(s.UpMbps);
            Int(s.Clients);
            Int(s.UniqueClientsToday);
        }
        Text("statuses");
        foreach (var st in statuses)
        {
            Ensure(9);
            Long(st.Ts.UtcTicks);
            _buffer[_used++] = st.Online ? (byte)1 : (byte)0;
        }
    }

    public string Finish()
    {
        _hash.AppendData(_buffer, 0, _used);
        _used = 0;
        var hex = Convert.ToHexStringLower(_hash.GetHashAndReset());
        _hash.Dispose();
        return hex;
    }

    private void Ensure(int bytes)
    {
        if (_used + bytes > _buffer.Length)
        {
            _hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }
    }

    private void Text(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Int(bytes.Length);
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer, _used);
        _used += bytes.Length;
    }

    private void Long(long v)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_used), v);
        _used += 8;
    }

    private void Int(int v)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_used), v);
        _used += 4;
    }

    private void Number(double? v)
    {
        Ensure(9);
        if (v is { } x)
        {
            _buffer[_used++] = 1;
            BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_used), x == 0 ? 0 : x); // −0 and 0 digest alike
            _used += 8;
        }
        else
        {
            _buffer[_used++] = 0;
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_used), 0);
            _used += 8;
        }
    }
}
