using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Interop;

public sealed class MissingBinaryTests
{
    [Fact]
    public void A_missing_peer_binary_fails_with_the_package_to_install()
    {
        // interop tests must fail (never skip) when Mosquitto is absent; this is the message they fail with
        var e = Assert.Throws<InvalidOperationException>(() => ServerProcess.Locate("mosquitto_nonexistent_tool", "mosquitto-clients"));
        Assert.Contains("'mosquitto_nonexistent_tool' was not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("Install the Debian package 'mosquitto-clients'", e.Message, StringComparison.Ordinal);
    }
}
