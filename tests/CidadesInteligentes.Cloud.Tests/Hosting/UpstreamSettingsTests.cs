using CidadesInteligentes.Cloud.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Hosting;

/// <summary>Upstream names that cannot go into an MQTT subscription or CONNECT are listed at start.</summary>
public sealed class UpstreamSettingsTests
{
    private static IReadOnlyList<string> Problems(params (string Key, string Value)[] values)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Broker:Enabled", "false"), new("Upstream:Host", "10.0.0.5"), .. values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))])
            .Build();
        CloudSettingsBinder.Bind(config, "/srv", out var problems);
        return problems;
    }

    [Theory]
    [InlineData("ci/cloud")] // the share name would end at the '/', and the filter would be another one
    [InlineData("ci+cloud")]
    [InlineData("ci#cloud")]
    [InlineData(" ")]
    public void A_shared_group_mqtt_cannot_take_is_a_listed_problem(string group)
    {
        Assert.Contains(Problems(("Upstream:SharedGroup", group)), p => p.StartsWith("Upstream:SharedGroup ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_group_name_of_letters_digits_and_dashes_is_fine()
    {
        Assert.Empty(Problems(("Upstream:SharedGroup", "ci-3f9a0c"), ("Upstream:ClientId", "ci_cloud_1")));
    }

    [Fact]
    public void An_empty_client_id_is_a_listed_problem()
    {
        Assert.Contains(Problems(("Upstream:ClientId", " ")), p => p.StartsWith("Upstream:ClientId ", StringComparison.Ordinal));
    }
}
