using System.Text;
using CidadesInteligentes.Telemetry.Security;
using Xunit;

namespace CidadesInteligentes.Telemetry.Tests.Security;

public sealed class DeviceSecretTests
{
    [Fact]
    public void Generated_secrets_are_random_43_character_base64url()
    {
        var a = DeviceSecret.Generate();
        var b = DeviceSecret.Generate();
        Assert.NotEqual(a, b);
        Assert.Equal(43, a.Length);
        Assert.All(a, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    [Fact]
    public void The_hash_verifies_the_secret_and_nothing_else()
    {
        var secret = DeviceSecret.Generate();
        var stored = DeviceSecret.Hash(secret);
        Assert.StartsWith("pbkdf2-sha256:2000:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.True(DeviceSecret.Verify(stored, Encoding.UTF8.GetBytes(secret)));
        Assert.False(DeviceSecret.Verify(stored, Encoding.UTF8.GetBytes(secret + "x")));
        Assert.NotEqual(stored, DeviceSecret.Hash(secret)); // salted
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256:abc")]
    [InlineData("pbkdf2-sha256:x:AAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256:2000:not base64:AAAAAAAAAAAAAAAAAAAAAA==")]
    public void Malformed_hashes_never_verify(string stored)
    {
        Assert.False(DeviceSecret.IsWellFormed(stored));
        Assert.False(DeviceSecret.Verify(stored, "anything"u8));
    }
}
