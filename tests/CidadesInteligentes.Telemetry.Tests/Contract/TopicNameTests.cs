using CidadesInteligentes.Telemetry;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Telemetry.Tests.Contract;

public sealed class TopicNameTests
{
    [Theory]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-000123/telemetry", TopicStream.Telemetry, DeviceKind.Luminaire)]
    [InlineData("ci/v1/3548906/hotspot/sc-wifi-03/event", TopicStream.Event, DeviceKind.Hotspot)]
    [InlineData("ci/v1/3548906/hotspot/sc-wifi-03/status", TopicStream.Status, DeviceKind.Hotspot)]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/cmd", TopicStream.Command, DeviceKind.Luminaire)]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/cmd/ack", TopicStream.CommandAck, DeviceKind.Luminaire)]
    public void Parses_and_rebuilds_every_contract_topic(string topic, TopicStream stream, DeviceKind kind)
    {
        Assert.True(TopicName.TryParse(topic, out var name, out var error), error);
        Assert.Equal(stream, name.Stream);
        Assert.Equal(kind, name.Kind);
        Assert.Equal("3548906", name.City);
        Assert.Equal(topic, name.ToString());
    }

    [Theory]
    [InlineData("ci/v2/3548906/luminaire/sc-lum-1/telemetry")]
    [InlineData("ci/v1/354890/luminaire/sc-lum-1/telemetry")]
    [InlineData("ci/v1/3548906/lamp/sc-lum-1/telemetry")]
    [InlineData("ci/v1/3548906/luminaire/SC-LUM-1/telemetry")]
    [InlineData("ci/v1/3548906/luminaire/-sc/telemetry")]
    [InlineData("ci/v1/3548906/luminaire/ab/telemetry")]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/energy")]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/cmd/nack")]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1")]
    [InlineData("")]
    public void Rejects_topics_outside_the_contract_with_a_message(string topic)
    {
        Assert.False(TopicName.TryParse(topic, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/telemetry/extra/more", "topic 'ci/v1/3548906/luminaire/sc-lum-1/telemetry/extra/more' is not ci/v1/{city}/{kind}/{device}/{stream}")]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/a/b/c/d/e", "topic 'ci/v1/3548906/luminaire/sc-lum-1/a/b/c/d/e' is not ci/v1/{city}/{kind}/{device}/{stream}")]
    [InlineData("ci/v1/35489x6/luminaire/sc-lum-1/telemetry", "city '35489x6' in topic is not a 7-digit IBGE code")]
    [InlineData("ci/v1/3548906/lamp/sc-lum-1/telemetry", "kind 'lamp' in topic must be luminaire or hotspot")]
    [InlineData("ci/v1/3548906/hotspot/Wifi_1/status", "device 'Wifi_1' in topic does not match [a-z0-9][a-z0-9-]{2,63}")]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/cmd/nack", "stream 'cmd/nack' in topic must be telemetry, event, status, cmd or cmd/ack")]
    [InlineData("ci/v1/3548906/luminaire/sc-lum-1/", "stream '' in topic must be telemetry, event, status, cmd or cmd/ack")]
    public void Each_kind_of_bad_topic_names_the_part_that_is_wrong(string topic, string expected)
    {
        Assert.False(TopicName.TryParse(topic, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Municipality_list_has_the_645_codes_of_Sao_Paulo_state()
    {
        Assert.Equal(645, Municipalities.Count);
        Assert.Equal("São Carlos", Municipalities.NameOf("3548906"));
        Assert.True(Municipalities.IsKnown("3505302")); // Barra Bonita
        Assert.False(Municipalities.IsKnown("3304557")); // Rio de Janeiro: another state
        Assert.False(Municipalities.IsKnown(null));
    }
}
