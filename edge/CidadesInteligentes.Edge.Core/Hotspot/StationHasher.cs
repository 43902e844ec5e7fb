using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// HMAC-SHA-256 of a station's MAC address under one key, for <see cref="UniqueClientCounter"/>. BouncyCastle's managed
/// HMAC, not .NET's <c>HMACSHA256</c>: on Linux that one calls OpenSSL, whose libraries would be 3.7 MB of a hotspot
/// agent's resident memory when MQTT runs without TLS (docs/performance.md). The digests are the same (tested against
/// RFC 4231 and <c>HMACSHA256</c>). Keys come from <see cref="FillRandom"/> for the same reason.
/// </summary>
internal sealed class StationHasher
{
    private readonly HMac _hmac = new(new Sha256Digest());

    /// <summary>The key is copied into the HMAC's state; the caller may clear its copy.</summary>
    public StationHasher(ReadOnlySpan<byte> key) => Rekey(key);

    /// <summary>Replaces the key (and the pad state derived from the old one).</summary>
    public void Rekey(ReadOnlySpan<byte> key)
    {
        var copy = key.ToArray();
        _hmac.Init(new KeyParameter(copy));
        copy.AsSpan().Clear(); // a store to the heap is never elided
    }

    /// <summary>
    /// "AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff" and "aabb.ccdd.eeff" are the same station: the HMAC is taken over its
    /// hex digits in lower case, as ASCII (at most 64; a MAC has 12).
    /// </summary>
    public void HashMac(string mac, Span<byte> digest)
    {
        Span<byte> hex = stackalloc byte[64];
        var n = 0;
        foreach (var c in mac)
        {
            if (char.IsAsciiHexDigit(c) && n < hex.Length)
            {
                hex[n++] = (byte)char.ToLowerInvariant(c);
            }
        }
        Hash(hex[..n], digest);
        hex.Clear();
    }

    /// <summary>
    /// Fills <paramref name="key"/> from the kernel's random number generator (<c>/dev/urandom</c>), where there is one.
    /// Not <see cref="RandomNumberGenerator"/> there: on Linux it calls OpenSSL, and that call alone loads OpenSSL's
    /// libraries into an agent that otherwise never needs them (measured, docs/performance.md).
    /// </summary>
    public static void FillRandom(Span<byte> key)
    {
        if (OperatingSystem.IsLinux() && File.Exists(DevUrandom))
        {
            // unbuffered: the key goes straight into the caller's span, no copy is left in a stream buffer
            using var random = new FileStream(DevUrandom, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            random.ReadExactly(key);
            return;
        }
        FillFromFramework(key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // only this method names the cryptography assembly
    private static void FillFromFramework(Span<byte> key) => RandomNumberGenerator.Fill(key);

    private const string DevUrandom = "/dev/urandom";

    /// <summary>HMAC-SHA-256 of <paramref name="data"/> into <paramref name="digest"/> (32 bytes).</summary>
    public void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        _hmac.BlockUpdate(data);
        _hmac.DoFinal(digest); // also resets the HMAC for the next input, keeping the key
    }
}
