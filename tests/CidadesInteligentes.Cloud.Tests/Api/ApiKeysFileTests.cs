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
}
