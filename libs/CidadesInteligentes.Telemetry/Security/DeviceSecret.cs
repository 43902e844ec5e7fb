using System.Security.Cryptography;
using System.Text;

namespace CidadesInteligentes.Telemetry.Security;

/// <summary>
/// Per-device MQTT secrets. A device generates its own random secret (<see cref="Generate"/>) and hands the cloud only
/// a salted PBKDF2-SHA-256 hash of it (<see cref="Hash"/>), so the secret itself never leaves the pole. The stored
/// form is <c>pbkdf2-sha256:&lt;iterations&gt;:&lt;salt base64&gt;:&lt;hash base64&gt;</c>.
/// </summary>
/// <remarks>
/// Secrets are 256 random bits, so stretching is not what protects them; the modest iteration count keeps a broker
/// that authenticates thousands of reconnecting devices after a power cut from spending minutes of CPU on it.
/// </remarks>
public static class DeviceSecret
{
    public const int Iterations = 2_000;
    private const string Prefix = "pbkdf2-sha256";

    /// <summary>A fresh random secret: 32 bytes, base64url (43 characters).</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The storable hash of <paramref name="secret"/> with a random salt.</summary>
    public static string Hash(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"{Prefix}:{Iterations}:{Convert.ToBase64String(salt)}:{Convert.ToBase64String(hash)}";
    }

    /// <summary>True when <paramref name="stored"/> is well formed.</summary>
    public static bool IsWellFormed(string stored) => TryParse(stored, out _, out _, out _);

    /// <summary>Constant-time check of a presented secret against a stored hash; false for a malformed hash.</summary>
    public static bool Verify(string stored, ReadOnlySpan<byte> presentedUtf8)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(presentedUtf8, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split(':');
        if (parts.Length != 4 || parts[0] != Prefix
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out iterations)
            || iterations is < 1 or > 10_000_000)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= 8 && hash.Length >= 16;
    }
}
