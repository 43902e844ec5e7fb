using CidadesInteligentes.Cloud.Api;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>Bad lines of the keys file are listed at start and give no key any role.</summary>
public sealed class ApiKeysFileTests
{
    [Theory]
    [InlineData("3 number-key-0123456789 mallory")] // enum value of admin
    [InlineData("99 number-key-0123456789 mallory")] // beyond admin
    [InlineData("viewer,admin number-key-0123456789 mallory")] // enum flags: 1 | 3
    [InlineData("-1 number-key-0123456789 mallory")]
    public void A_role_that_is_not_one_of_the_three_words_is_a_listed_problem(string line)
    {
        var keys = ApiKeys.Parse(["viewer viewer-key-0123456789 wall", line], out var problems);

        Assert.StartsWith("keys file line 2: role ", Assert.Single(problems), StringComparison.Ordinal);
        Assert.Equal(1, keys.Count);
        Assert.Equal(ApiRole.None, keys.Identify("number-key-0123456789").Role);
    }

    [Fact]
    public void The_same_key_on_two_lines_is_a_listed_problem_even_once_plain_and_once_hashed()
    {
        var hashed = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("shared-key-0123456789"u8));
        ApiKeys.Parse(
        [
            "admin shared-key-0123456789 carla",
            "viewer other-key-0123456789 wall",
            "viewer shared-key-0123456789 carla-demoted", // which role would the key have?
            $"operator sha256:{hashed} ana",
        ], out var problems);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("keys file line 3: the same key as line 1", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("keys file line 4: the same key as line 1", problems[1], StringComparison.Ordinal);
    }
}
