using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// A refused connection is described by one table, <see cref="ReasonCodes.Describe"/>, under the specification's name
/// of its reason code (MQTT 5 §3.2.2.2). The client kept its own table for CONNACK: "bad user name or password" there
/// was "refused" in ReasonCodes.Describe, 0x89 Server busy was "server unavailable", and Banned only "refused".
/// </summary>
public sealed class ConnectRefusalDescriptionTests
{
    [Theory]
    [InlineData(0x80, "unspecified error")]
    [InlineData(0x81, "malformed packet")]
    [InlineData(0x82, "protocol error")]
    [InlineData(0x83, "implementation specific error")]
    [InlineData(0x84, "unsupported protocol version")]
    [InlineData(0x85, "client identifier not valid")]
    [InlineData(0x86, "bad user name or password")]
    [InlineData(0x87, "not authorized")]
    [InlineData(0x88, "server unavailable")]
    [InlineData(0x89, "server busy")]
    [InlineData(0x8A, "banned")]
    [InlineData(0x8C, "bad authentication method")]
    [InlineData(0x90, "topic name invalid")]
    [InlineData(0x95, "packet too large")]
    [InlineData(0x97, "quota exceeded")]
    [InlineData(0x99, "payload format invalid")]
    [InlineData(0x9A, "retain not supported")]
    [InlineData(0x9B, "qos not supported")]
    [InlineData(0x9C, "use another server")]
    [InlineData(0x9D, "server moved")]
    [InlineData(0x9F, "connection rate exceeded")]
    public async Task A_refusal_is_named_by_its_reason_code_as_everywhere_else(byte reason, string name)
    {
        Assert.Equal(name, ReasonCodes.Describe(reason));
        var error = await RefusedAsync(MqttProtocolVersion.V500, reason);
        Assert.Equal(reason, error.ReasonCode);
        Assert.Equal($"server refused the connection: reason 0x{reason:X2} ({name})", error.Message);
    }

    /// <summary>3.1.1 return codes 1–5 arrive as their 5.0 reason codes (MQTT 3.1.1 §3.2.2.3), and read the same.</summary>
    [Theory]
    [InlineData(ReasonCodes.UnsupportedProtocolVersion, "unsupported protocol version")]
    [InlineData(ReasonCodes.ClientIdentifierNotValid, "client identifier not valid")]
    [InlineData(ReasonCodes.ServerUnavailable, "server unavailable")]
    [InlineData(ReasonCodes.BadUserNameOrPassword, "bad user name or password")]
    [InlineData(ReasonCodes.NotAuthorized, "not authorized")]
    public async Task A_311_refusal_reads_like_its_50_reason_code(byte reason, string name)
    {
        var error = await RefusedAsync(MqttProtocolVersion.V311, reason);
        Assert.Equal($"server refused the connection: reason 0x{reason:X2} ({name})", error.Message);
    }

    [Fact]
    public async Task The_servers_reason_string_says_more_than_the_code_and_is_kept()
    {
        var error = await RefusedAsync(MqttProtocolVersion.V500, ReasonCodes.NotAuthorized, new MqttProperties { ReasonString = "will topic not allowed" });
        Assert.Equal("server refused the connection: reason 0x87 (will topic not allowed)", error.Message);
    }

    private static async Task<MqttConnectException> RefusedAsync(MqttProtocolVersion version, byte reason, MqttProperties? properties = null)
    {
        using var server = new ScriptedServer();
        var options = server.ClientOptions("refused");
        options.Version = version;
        await using var client = new MqttClient(options);
        var connecting = client.ConnectAsync();
        await server.RefuseAsync(reason, properties);
        return await Assert.ThrowsAsync<MqttConnectException>(() => Wait.ForAsync(connecting, "the refused connect fails", ScriptedServer.Limit));
    }
}
