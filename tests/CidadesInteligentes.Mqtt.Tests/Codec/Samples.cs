using System.Text;
using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Tests.Codec;

/// <summary>
/// One or more valid packets of every control packet type for each protocol version. Under 3.1.1 they carry only
/// what 3.1.1 can express (no properties, no 5.0 reason codes), so decode(encode(p)) must equal p field by field.
/// </summary>
internal static class Samples
{
    public const string Topic = "sp/3550308/luminaire/lum-0001/telemetry";

    public static IReadOnlyList<(string Name, MqttPacket Packet)> For(MqttProtocolVersion v) =>
        v == MqttProtocolVersion.V500 ? V500() : V311();

    public static IEnumerable<object[]> Names(MqttProtocolVersion v) =>
        For(v).Select(s => new object[] { s.Name });

    public static MqttPacket Get(MqttProtocolVersion v, string name) => For(v).Single(s => s.Name == name).Packet;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static List<KeyValuePair<string, string>> Users(params string[] pairs) =>
        [.. pairs.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1]))];

    private static List<(string, MqttPacket)> V311() =>
    [
        ("connect-minimal", new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V311, ClientId = "lum-0001" }),
        ("connect-empty-client-id", new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V311, ClientId = "", KeepAliveSeconds = 0 }),
        ("connect-full", new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V311,
            ClientId = "lum-0001",
            CleanStart = false,
            KeepAliveSeconds = 65535,
            Username = "lum-0001",
            Password = [0x00, 0xFF, 0x10],
            Will = new WillMessage { Topic = "sp/3550308/luminaire/lum-0001/status", Payload = Utf8("{\"online\":false}"), Qos = 1, Retain = true },
        }),
        ("connect-will-qos2", new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V311,
            ClientId = "são-paulo-ç",
            Will = new WillMessage { Topic = "a/b", Payload = ReadOnlyMemory<byte>.Empty, Qos = 2 },
        }),
        ("connack-accepted", new ConnAckPacket { SessionPresent = true, ReasonCode = ReasonCodes.Success }),
        ("connack-bad-credentials", new ConnAckPacket { ReasonCode = ReasonCodes.BadUserNameOrPassword }),
        ("connack-not-authorized", new ConnAckPacket { ReasonCode = ReasonCodes.NotAuthorized }),
        ("publish-qos0", new PublishPacket { Topic = Topic, Payload = Utf8("{\"powerW\":42.5}") }),
        ("publish-qos1-retain", new PublishPacket { Topic = Topic, Qos = 1, Retain = true, PacketId = 1, Payload = new byte[300] }),
        ("publish-qos2-dup", new PublishPacket { Topic = "a", Qos = 2, Dup = true, PacketId = 65535, Payload = Utf8("x") }),
        ("publish-empty-payload", new PublishPacket { Topic = "sp/3550308/luminaire/lum-0001/status", Retain = true }),
        ("puback", new PubAckPacket(PacketType.PubAck, 10)),
        ("pubrec", new PubAckPacket(PacketType.PubRec, 11)),
        ("pubrel", new PubAckPacket(PacketType.PubRel, 12)),
        ("pubcomp", new PubAckPacket(PacketType.PubComp, 65535)),
        ("subscribe", new SubscribePacket
        {
            PacketId = 7,
            Subscriptions = [new("sp/+/luminaire/#", 0), new("sp/3550308/hotspot/+/telemetry", 1), new("#", 2)],
        }),
        ("suback", new SubAckPacket { PacketId = 7, ReasonCodes = [0, 1, 2, 0x80] }),
        ("unsubscribe", new UnsubscribePacket { PacketId = 8, Filters = ["sp/+/luminaire/#", "a/b"] }),
        ("unsuback", new SubAckPacket(PacketType.UnsubAck) { PacketId = 8 }),
        ("pingreq", PingPacket.Request),
        ("pingresp", PingPacket.Response),
        ("disconnect", new DisconnectPacket()),
    ];

    private static List<(string, MqttPacket)> V500() =>
    [
        ("connect-minimal", new ConnectPacket { ClientId = "lum-0001" }),
        ("connect-password-without-user", new ConnectPacket { ClientId = "c", Password = Utf8("token") }),
        ("connect-full", new ConnectPacket
        {
            ClientId = "lum-0001",
            CleanStart = false,
            KeepAliveSeconds = 30,
            Username = "lum-0001",
            Password = [1, 2, 3],
            Properties = new MqttProperties
            {
                SessionExpiryInterval = 3600,
                ReceiveMaximum = 20,
                MaximumPacketSize = 65536,
                TopicAliasMaximum = 10,
                RequestResponseInformation = 1,
                RequestProblemInformation = 0,
                AuthenticationMethod = "SCRAM-SHA-256",
                AuthenticationData = [9, 8, 7],
                UserProperties = Users("firmware", "2.1.0", "firmware", "2.1.1"),
            },
            Will = new WillMessage
            {
                Topic = "sp/3550308/luminaire/lum-0001/status",
                Payload = Utf8("{\"online\":false}"),
                Qos = 2,
                Retain = true,
                Properties = new MqttProperties
                {
                    WillDelayInterval = 5,
                    PayloadFormatIndicator = 1,
                    MessageExpiryInterval = 600,
                    ContentType = "application/json",
                    ResponseTopic = "sp/reply",
                    CorrelationData = [0xCA, 0xFE],
                    UserProperties = Users("k", "v"),
                },
            },
        }),
        ("connack-minimal", new ConnAckPacket { ReasonCode = ReasonCodes.NotAuthorized }),
        ("connack-full", new ConnAckPacket
        {
            SessionPresent = true,
            Properties = new MqttProperties
            {
                SessionExpiryInterval = 0,
                ReceiveMaximum = 100,
                MaximumQos = 1,
                RetainAvailable = 1,
                MaximumPacketSize = 268_435_460,
                AssignedClientIdentifier = "auto-1",
                TopicAliasMaximum = 65535,
                ReasonString = "ok",
                UserProperties = Users("node", "edge-1"),
                WildcardSubscriptionAvailable = 1,
                SubscriptionIdentifierAvailable = 0,
                SharedSubscriptionAvailable = 1,
                ServerKeepAlive = 120,
                ResponseInformation = "resp/",
                ServerReference = "other:1883",
                AuthenticationMethod = "SCRAM-SHA-256",
                AuthenticationData = [1],
            },
        }),
        ("publish-qos0", new PublishPacket { Topic = Topic, Payload = Utf8("{\"powerW\":42.5}") }),
        ("publish-qos1-properties", new PublishPacket
        {
            Topic = Topic,
            Qos = 1,
            Retain = true,
            PacketId = 1,
            Payload = Utf8("{\"powerW\":42.5,\"cidade\":\"São Paulo\"}"),
            Properties = new MqttProperties
            {
                PayloadFormatIndicator = 1,
                MessageExpiryInterval = 86_400,
                TopicAlias = 3,
                ResponseTopic = "sp/3550308/luminaire/lum-0001/ack",
                CorrelationData = [1, 2, 3, 4],
                UserProperties = Users("seq", "17", "unit", "W"),
                SubscriptionIdentifiers = [1, 127, 128, 16_384, 268_435_455],
                ContentType = "application/json",
            },
        }),
        ("publish-qos2-alias-only", new PublishPacket
        {
            Topic = "",
            Qos = 2,
            Dup = true,
            PacketId = 65535,
            Payload = new byte[200],
            Properties = new MqttProperties { TopicAlias = 65535 },
        }),
        ("publish-empty-payload", new PublishPacket { Topic = "a/b", Retain = true }),
        ("puback", new PubAckPacket(PacketType.PubAck, 10)),
        ("puback-reason", new PubAckPacket(PacketType.PubAck, 10, ReasonCodes.NoMatchingSubscribers)),
        ("puback-reason-properties", new PubAckPacket(PacketType.PubAck, 10, ReasonCodes.QuotaExceeded)
        {
            Properties = new MqttProperties { ReasonString = "quota", UserProperties = Users("a", "b") },
        }),
        ("puback-success-properties", new PubAckPacket(PacketType.PubAck, 10) { Properties = new MqttProperties { ReasonString = "fine" } }),
        ("pubrec", new PubAckPacket(PacketType.PubRec, 11)),
        ("pubrec-reason-properties", new PubAckPacket(PacketType.PubRec, 11, ReasonCodes.ImplementationSpecificError)
        {
            Properties = new MqttProperties { ReasonString = "nope" },
        }),
        ("pubrel", new PubAckPacket(PacketType.PubRel, 12)),
        ("pubrel-reason", new PubAckPacket(PacketType.PubRel, 12, ReasonCodes.PacketIdentifierNotFound)),
        ("pubcomp", new PubAckPacket(PacketType.PubComp, 13)),
        ("pubcomp-reason-properties", new PubAckPacket(PacketType.PubComp, 13, ReasonCodes.PacketIdentifierNotFound)
        {
            Properties = new MqttProperties { UserProperties = Users("x", "y") },
        }),
        ("subscribe-options", new SubscribePacket
        {
            PacketId = 7,
            Properties = new MqttProperties { SubscriptionIdentifiers = [268_435_455], UserProperties = Users("tenant", "sp") },
            Subscriptions =
            [
                new("sp/+/luminaire/#", 0),
                new("sp/3550308/hotspot/+/telemetry", 1, NoLocal: true),
                new("$share/cloud/sp/#", 2, RetainAsPublished: true, RetainHandling: 1),
                new("#", 1, NoLocal: true, RetainAsPublished: true, RetainHandling: 2),
            ],
        }),
        ("subscribe-minimal", new SubscribePacket { PacketId = 1, Subscriptions = [new("a", 0)] }),
        ("suback", new SubAckPacket { PacketId = 7, ReasonCodes = [0, 1, 2, 0x80, 0x87, 0x8F, 0xA1, 0xA2] }),
        ("suback-properties", new SubAckPacket
        {
            PacketId = 7,
            ReasonCodes = [0x97],
            Properties = new MqttProperties { ReasonString = "quota", UserProperties = Users("a", "b") },
        }),
        ("unsubscribe", new UnsubscribePacket { PacketId = 8, Filters = ["sp/+/luminaire/#", "a/b"] }),
        ("unsubscribe-properties", new UnsubscribePacket
        {
            PacketId = 8,
            Filters = ["x"],
            Properties = new MqttProperties { UserProperties = Users("why", "shutdown") },
        }),
        ("unsuback", new SubAckPacket(PacketType.UnsubAck) { PacketId = 8, ReasonCodes = [0, 0x11] }),
        ("unsuback-properties", new SubAckPacket(PacketType.UnsubAck)
        {
            PacketId = 8,
            ReasonCodes = [0x87],
            Properties = new MqttProperties { ReasonString = "acl" },
        }),
        ("pingreq", PingPacket.Request),
        ("pingresp", PingPacket.Response),
        ("disconnect", new DisconnectPacket()),
        ("disconnect-with-will", new DisconnectPacket(PacketType.Disconnect, ReasonCodes.DisconnectWithWill)),
        ("disconnect-properties", new DisconnectPacket(PacketType.Disconnect, ReasonCodes.ServerShuttingDown)
        {
            Properties = new MqttProperties
            {
                SessionExpiryInterval = 0,
                ReasonString = "maintenance",
                ServerReference = "backup:1883",
                UserProperties = Users("a", "b"),
            },
        }),
        ("auth-success", new DisconnectPacket(PacketType.Auth)),
        ("auth-continue", new DisconnectPacket(PacketType.Auth, 0x18)
        {
            Properties = new MqttProperties { AuthenticationMethod = "SCRAM-SHA-256", AuthenticationData = [1, 2, 3], ReasonString = "step 2" },
        }),
        ("auth-reauthenticate", new DisconnectPacket(PacketType.Auth, 0x19)),
    ];
}
