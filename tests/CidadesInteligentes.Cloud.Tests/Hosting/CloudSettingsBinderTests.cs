using CidadesInteligentes.Cloud.Api;
using CidadesInteligentes.Cloud.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Hosting;

public sealed class CloudSettingsBinderTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults_run_the_embedded_broker_on_1883_with_sqlite_under_the_content_root()
    {
        var settings = CloudSettingsBinder.Bind(Config(), "/srv/ci", out var problems);
        Assert.Empty(problems);
        Assert.True(settings.Broker.Enabled);
        Assert.Equal(1883, settings.Broker.Port);
        Assert.Equal("/srv/ci/data", settings.Storage.Directory);
        Assert.Null(settings.Influx.Url);
        Assert.True(settings.Api.AnonymousRead);
    }

    [Fact]
    public void Persistent_session_expiry_is_off_by_default_read_in_days_and_bounded()
    {
        Assert.Equal(0, CloudSettingsBinder.Bind(Config(), "/srv", out _).Broker.PersistentSessionExpiryDays);
        var set = CloudSettingsBinder.Bind(Config(("Broker:PersistentSessionExpiryDays", "30")), "/srv", out var none);
        Assert.Empty(none);
        Assert.Equal(30, set.Broker.PersistentSessionExpiryDays);
        CloudSettingsBinder.Bind(Config(("Broker:PersistentSessionExpiryDays", "-1")), "/srv", out var negative);
        Assert.Contains(negative, p => p.Contains("Broker:PersistentSessionExpiryDays", StringComparison.Ordinal));
    }

    [Fact]
    public void The_live_heartbeat_is_15_seconds_by_default_and_bounded()
    {
        Assert.Equal(15, CloudSettingsBinder.Bind(Config(), "/srv", out _).Api.LiveHeartbeatSeconds);
        var set = CloudSettingsBinder.Bind(Config(("Api:LiveHeartbeatSeconds", "5")), "/srv", out var none);
        Assert.Empty(none);
        Assert.Equal(5, set.Api.LiveHeartbeatSeconds);
        CloudSettingsBinder.Bind(Config(("Api:LiveHeartbeatSeconds", "0")), "/srv", out var zero);
        Assert.Contains(zero, p => p.Contains("Api:LiveHeartbeatSeconds is '0', expected a whole number from 1 to 300", StringComparison.Ordinal));
    }

    [Fact]
    public void Roll_ups_are_folded_every_60_seconds_by_default_and_the_interval_is_bounded()
    {
        Assert.Equal(60, CloudSettingsBinder.Bind(Config(), "/srv", out _).Storage.RollupFoldSeconds);
        var set = CloudSettingsBinder.Bind(Config(("Storage:RollupFoldSeconds", "0")), "/srv", out var none);
        Assert.Empty(none);
        Assert.Equal(0, set.Storage.RollupFoldSeconds);
        CloudSettingsBinder.Bind(Config(("Storage:RollupFoldSeconds", "3601")), "/srv", out var tooLong);
        Assert.Contains(tooLong, p => p.Contains("Storage:RollupFoldSeconds is '3601', expected a whole number from 0 to 3600", StringComparison.Ordinal));
        CloudSettingsBinder.Bind(Config(("Storage:RollupFoldSeconds", "soon")), "/srv", out var word);
        Assert.Contains(word, p => p.Contains("Storage:RollupFoldSeconds is 'soon'", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        CloudSettingsBinder.Bind(Config(
            ("Broker:Port", "99999"),
            ("Broker:Enabled", "maybe"),
            ("Influx:Url", "influx:8086"),
            ("Registry:File", "/nonexistent/registry.json"),
            ("Api:KeysFile", "/nonexistent/keys")), "/srv/ci", out var problems);

        Assert.Contains(problems, p => p.Contains("Broker:Port", StringComparison.Ordinal) && p.Contains("0 to 65535", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Broker:Enabled is 'maybe'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Influx:Url", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Registry:File", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Api:KeysFile", StringComparison.Ordinal));
        Assert.Equal(5, problems.Count);
    }

    [Fact]
    public void External_broker_needs_a_host_and_excludes_the_embedded_one()
    {
        CloudSettingsBinder.Bind(Config(("Broker:Enabled", "false")), "/srv", out var missingHost);
        Assert.Contains(missingHost, p => p.Contains("Upstream:Host is empty", StringComparison.Ordinal));

        CloudSettingsBinder.Bind(Config(("Upstream:Host", "10.0.0.5")), "/srv", out var both);
        Assert.Contains(both, p => p.Contains("choose one", StringComparison.Ordinal));

        var ok = CloudSettingsBinder.Bind(Config(("Broker:Enabled", "false"), ("Upstream:Host", "10.0.0.5"), ("Upstream:Port", "1884")), "/srv", out var none);
        Assert.Empty(none);
        Assert.Equal(("10.0.0.5", 1884, "ci-cloud"), (ok.Upstream.Host, ok.Upstream.Port, ok.Upstream.SharedGroup));
    }

    [Fact]
    public void Api_keys_file_accepts_plain_and_hashed_keys_and_lists_bad_lines()
    {
        // sha256("operator-key-0123456789") computed by the test itself, as an operator would with sha256sum.
        var hashed = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("operator-key-0123456789"u8));
        var keys = ApiKeys.Parse(
        [
            "# role key name",
            "viewer viewer-key-0123456789 dashboard-wall",
            $"operator sha256:{hashed} maria",
            "admin short",
            "root xyz-0123456789abcdef someone",
            "operator sha256:zz bad",
        ], out var problems);

        Assert.Equal(2, keys.Count);
        Assert.Equal((ApiRole.Viewer, "dashboard-wall"), keys.Identify("viewer-key-0123456789"));
        Assert.Equal((ApiRole.Operator, "maria"), keys.Identify("operator-key-0123456789"));
        Assert.Equal(ApiRole.None, keys.Identify("operator-key-012345678X").Role);
        Assert.Equal(ApiRole.None, keys.Identify(null).Role);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("keys file line 4", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("keys file line 5", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("keys file line 6", StringComparison.Ordinal));
    }
}
