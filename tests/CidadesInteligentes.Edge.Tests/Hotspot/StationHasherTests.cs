using System.Security.Cryptography;
using System.Text;
using CidadesInteligentes.Edge.Core.Hotspot;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

/// <summary>The managed HMAC-SHA-256 the unique-client count uses gives the standard digests.</summary>
public sealed class StationHasherTests
{
    // RFC 4231, test cases 1, 2 and 6 (HMAC-SHA-256): a 20-byte key, a short key, and a key longer than the block
    public static TheoryData<string, string, string> Rfc4231 => new()
    {
        { string.Concat(Enumerable.Repeat("0b", 20)), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
        { "4a656665", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
        { string.Concat(Enumerable.Repeat("aa", 131)), "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
    };

    [Theory]
    [MemberData(nameof(Rfc4231))]
    public void Matches_the_rfc_4231_vectors(string keyHex, string data, string expectedHex)
    {
        var hasher = new StationHasher(Convert.FromHexString(keyHex));
        var digest = new byte[32];
        hasher.Hash(Encoding.ASCII.GetBytes(data), digest);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
        hasher.Hash(Encoding.ASCII.GetBytes(data), digest); // the HMAC resets after each digest, keeping its key
        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
    }

    [Theory]
    [InlineData("02:1a:11:f0:c8:3b")]
    [InlineData("02-1A-11-F0-C8-3B")]
    [InlineData("021a.11f0.c83b")]
    public void Hashes_the_lower_case_hex_digits_of_a_mac_as_dotnets_hmacsha256_does(string spelling)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var hasher = new StationHasher(key);
        var digest = new byte[32];
        hasher.HashMac(spelling, digest);
        Assert.Equal(HMACSHA256.HashData(key, "021a11f0c83b"u8), digest);
    }

    [Fact]
    public void A_new_key_gives_other_digests()
    {
        var hasher = new StationHasher(RandomNumberGenerator.GetBytes(32));
        var before = new byte[32];
        hasher.HashMac("02:1a:11:f0:c8:3b", before);
        var key = RandomNumberGenerator.GetBytes(32);
        hasher.Rekey(key);
        var after = new byte[32];
        hasher.HashMac("02:1a:11:f0:c8:3b", after);
        Assert.NotEqual(before, after);
        Assert.Equal(HMACSHA256.HashData(key, "021a11f0c83b"u8), after);
    }

    [Fact]
    public void Random_keys_are_full_length_and_differ()
    {
        var a = new byte[32];
        var b = new byte[32];
        StationHasher.FillRandom(a);
        StationHasher.FillRandom(b);
        Assert.NotEqual(a, b);
        Assert.NotEqual(new byte[32], a);
        Assert.NotEqual(new byte[16], a.AsSpan(16).ToArray()); // the whole key is filled, not just its start
    }
}
