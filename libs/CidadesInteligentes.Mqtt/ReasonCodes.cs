namespace CidadesInteligentes.Mqtt;

/// <summary>MQTT 5.0 reason codes used by this library (3.1.1 return codes are mapped where they exist).</summary>
public static class ReasonCodes
{
    public const byte Success = 0x00;
    public const byte GrantedQos1 = 0x01;
    public const byte GrantedQos2 = 0x02;
    public const byte DisconnectWithWill = 0x04;
    public const byte NoMatchingSubscribers = 0x10;
    public const byte NoSubscriptionExisted = 0x11;
    public const byte UnspecifiedError = 0x80;
    public const byte MalformedPacket = 0x81;
    public const byte ProtocolError = 0x82;
    public const byte ImplementationSpecificError = 0x83;
    public const byte UnsupportedProtocolVersion = 0x84;
    public const byte ClientIdentifierNotValid = 0x85;
    public const byte BadUserNameOrPassword = 0x86;
    public const byte NotAuthorized = 0x87;
    public const byte ServerUnavailable = 0x88;
    public const byte ServerBusy = 0x89;
    public const byte Banned = 0x8A;
    public const byte ServerShuttingDown = 0x8B;
    public const byte BadAuthenticationMethod = 0x8C;
    public const byte KeepAliveTimeout = 0x8D;
    public const byte SessionTakenOver = 0x8E;
    public const byte TopicFilterInvalid = 0x8F;
    public const byte TopicNameInvalid = 0x90;
    public const byte PacketIdentifierInUse = 0x91;
    public const byte PacketIdentifierNotFound = 0x92;
    public const byte ReceiveMaximumExceeded = 0x93;
    public const byte TopicAliasInvalid = 0x94;
    public const byte PacketTooLarge = 0x95;
    public const byte MessageRateTooHigh = 0x96;
    public const byte QuotaExceeded = 0x97;
    public const byte AdministrativeAction = 0x98;
    public const byte PayloadFormatInvalid = 0x99;
    public const byte RetainNotSupported = 0x9A;
    public const byte QosNotSupported = 0x9B;
    public const byte UseAnotherServer = 0x9C;
    public const byte ServerMoved = 0x9D;
    public const byte SharedSubscriptionsNotSupported = 0x9E;
    public const byte ConnectionRateExceeded = 0x9F;
    public const byte MaximumConnectTime = 0xA0;
    public const byte SubscriptionIdentifiersNotSupported = 0xA1;
    public const byte WildcardSubscriptionsNotSupported = 0xA2;

    /// <summary>
    /// The specification's name of a failure code (MQTT 5 §2.4), in lower case, for exception messages, logs and health
    /// reports; the one table for every packet, a CONNACK refusal included. Codes below 0x80 are "success", unknown
    /// ones "refused".
    /// </summary>
    public static string Describe(byte reason) => reason switch
    {
        UnspecifiedError => "unspecified error",
        MalformedPacket => "malformed packet",
        ProtocolError => "protocol error",
        ImplementationSpecificError => "implementation specific error",
        UnsupportedProtocolVersion => "unsupported protocol version",
        ClientIdentifierNotValid => "client identifier not valid",
        BadUserNameOrPassword => "bad user name or password",
        NotAuthorized => "not authorized",
        ServerUnavailable => "server unavailable",
        ServerBusy => "server busy",
        Banned => "banned",
        ServerShuttingDown => "server shutting down",
        BadAuthenticationMethod => "bad authentication method",
        KeepAliveTimeout => "keep alive timeout",
        SessionTakenOver => "session taken over",
        TopicFilterInvalid => "topic filter invalid",
        TopicNameInvalid => "topic name invalid",
        PacketIdentifierInUse => "packet identifier in use",
        PacketIdentifierNotFound => "packet identifier not found",
        ReceiveMaximumExceeded => "receive maximum exceeded",
        TopicAliasInvalid => "topic alias invalid",
        PacketTooLarge => "packet too large",
        MessageRateTooHigh => "message rate too high",
        QuotaExceeded => "quota exceeded",
        AdministrativeAction => "administrative action",
        PayloadFormatInvalid => "payload format invalid",
        RetainNotSupported => "retain not supported",
        QosNotSupported => "qos not supported",
        UseAnotherServer => "use another server",
        ServerMoved => "server moved",
        SharedSubscriptionsNotSupported => "shared subscriptions not supported",
        ConnectionRateExceeded => "connection rate exceeded",
        MaximumConnectTime => "maximum connect time",
        SubscriptionIdentifiersNotSupported => "subscription identifiers not supported",
        WildcardSubscriptionsNotSupported => "wildcard subscriptions not supported",
        _ => reason < 0x80 ? "success" : "refused",
    };

    /// <summary>The MQTT 3.1.1 CONNACK return code for a 5.0 CONNACK reason code.</summary>
    public static byte ToV311ConnAck(byte reason) => reason switch
    {
        Success => 0,
        UnsupportedProtocolVersion => 1,
        ClientIdentifierNotValid => 2,
        ServerUnavailable or ServerBusy or ServerShuttingDown => 3,
        BadUserNameOrPassword => 4,
        _ => 5,
    };

    public static byte FromV311ConnAck(byte code) => code switch
    {
        0 => Success,
        1 => UnsupportedProtocolVersion,
        2 => ClientIdentifierNotValid,
        3 => ServerUnavailable,
        4 => BadUserNameOrPassword,
        _ => NotAuthorized,
    };
}
