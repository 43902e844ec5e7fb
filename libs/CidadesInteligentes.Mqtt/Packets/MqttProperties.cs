namespace CidadesInteligentes.Mqtt.Packets;

/// <summary>Where a property set appears; decides which MQTT 5.0 properties are allowed (MQTT 2.2.2.2).</summary>
internal enum PropertyContext
{
    Connect,
    ConnAck,
    Publish,
    Will,
    Ack,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    Disconnect,
    Auth,
}

/// <summary>MQTT 5.0 properties of any packet; only the ones that are set are encoded. Ignored under 3.1.1.</summary>
public sealed class MqttProperties
{
    public byte? PayloadFormatIndicator { get; set; }
    public uint? MessageExpiryInterval { get; set; }
    public string? ContentType { get; set; }
    public string? ResponseTopic { get; set; }
    public byte[]? CorrelationData { get; set; }
    public List<int>? SubscriptionIdentifiers { get; set; }
    public uint? SessionExpiryInterval { get; set; }
    public string? AssignedClientIdentifier { get; set; }
    public ushort? ServerKeepAlive { get; set; }
    public string? AuthenticationMethod { get; set; }
    public byte[]? AuthenticationData { get; set; }
    public byte? RequestProblemInformation { get; set; }
    public uint? WillDelayInterval { get; set; }
    public byte? RequestResponseInformation { get; set; }
    public string? ResponseInformation { get; set; }
    public string? ServerReference { get; set; }
    public string? ReasonString { get; set; }
    public ushort? ReceiveMaximum { get; set; }
    public ushort? TopicAliasMaximum { get; set; }
    public ushort? TopicAlias { get; set; }
    public byte? MaximumQos { get; set; }
    public byte? RetainAvailable { get; set; }
    public List<KeyValuePair<string, string>>? UserProperties { get; set; }

    /// <summary>A copy without the Reason String and User Properties (the parts a receiver's size limit may leave out).</summary>
    public MqttProperties WithoutDiagnostics()
    {
        var copy = (MqttProperties)MemberwiseClone();
        copy.ReasonString = null;
        copy.UserProperties = null;
        return copy;
    }
    public uint? MaximumPacketSize { get; set; }
    public byte? WildcardSubscriptionAvailable { get; set; }
    public byte? SubscriptionIdentifierAvailable { get; set; }
    public byte? SharedSubscriptionAvailable { get; set; }

    internal static int Size(MqttProperties? p)
    {
        var n = p is null ? 0 : p.ContentSize();
        return SpanWriter.VarIntSize(n) + n;
    }

    internal int ContentSize()
    {
        var n = 0;
        if (PayloadFormatIndicator is not null) n += 2;
        if (MessageExpiryInterval is not null) n += 5;
        if (ContentType is not null) n += 1 + SpanWriter.StringSize(ContentType);
        if (ResponseTopic is not null) n += 1 + SpanWriter.StringSize(ResponseTopic);
        if (CorrelationData is not null) n += 3 + CorrelationData.Length;
        if (SubscriptionIdentifiers is not null)
        {
            foreach (var id in SubscriptionIdentifiers)
            {
                n += 1 + SpanWriter.VarIntSize(id);
            }
        }
        if (SessionExpiryInterval is not null) n += 5;
        if (AssignedClientIdentifier is not null) n += 1 + SpanWriter.StringSize(AssignedClientIdentifier);
        if (ServerKeepAlive is not null) n += 3;
        if (AuthenticationMethod is not null) n += 1 + SpanWriter.StringSize(AuthenticationMethod);
        if (AuthenticationData is not null) n += 3 + AuthenticationData.Length;
        if (RequestProblemInformation is not null) n += 2;
        if (WillDelayInterval is not null) n += 5;
        if (RequestResponseInformation is not null) n += 2;
        if (ResponseInformation is not null) n += 1 + SpanWriter.StringSize(ResponseInformation);
        if (ServerReference is not null) n += 1 + SpanWriter.StringSize(ServerReference);
        if (ReasonString is not null) n += 1 + SpanWriter.StringSize(ReasonString);
        if (ReceiveMaximum is not null) n += 3;
        if (TopicAliasMaximum is not null) n += 3;
        if (TopicAlias is not null) n += 3;
        if (MaximumQos is not null) n += 2;
        if (RetainAvailable is not null) n += 2;
        if (UserProperties is not null)
        {
            foreach (var (k, v) in UserProperties)
            {
                n += 1 + SpanWriter.StringSize(k) + SpanWriter.StringSize(v);
            }
        }
        if (MaximumPacketSize is not null) n += 5;
        if (WildcardSubscriptionAvailable is not null) n += 2;
        if (SubscriptionIdentifierAvailable is not null) n += 2;
        if (SharedSubscriptionAvailable is not null) n += 2;
        return n;
    }

    internal static void Write(ref SpanWriter w, MqttProperties? p)
    {
        if (p is null)
        {
            w.Byte(0);
            return;
        }
        Write(ref w, p, p.ContentSize());
    }

    /// <summary>Writes a non-empty property set whose <see cref="ContentSize"/> the caller already computed.</summary>
    internal static void Write(ref SpanWriter w, MqttProperties p, int contentSize)
    {
        w.VarInt(contentSize);
        if (p.PayloadFormatIndicator is { } pfi) { w.Byte(0x01); w.Byte(pfi); }
        if (p.MessageExpiryInterval is { } mei) { w.Byte(0x02); w.UInt32(mei); }
        if (p.ContentType is { } ct) { w.Byte(0x03); w.String(ct); }
        if (p.ResponseTopic is { } rt) { w.Byte(0x08); w.String(rt); }
        if (p.CorrelationData is { } cd) { w.Byte(0x09); w.Binary(cd); }
        if (p.SubscriptionIdentifiers is { } ids)
        {
            foreach (var id in ids)
            {
                w.Byte(0x0B);
                w.VarInt(id);
            }
        }
        if (p.SessionExpiryInterval is { } sei) { w.Byte(0x11); w.UInt32(sei); }
        if (p.AssignedClientIdentifier is { } aci) { w.Byte(0x12); w.String(aci); }
        if (p.ServerKeepAlive is { } ska) { w.Byte(0x13); w.UInt16(ska); }
        if (p.AuthenticationMethod is { } am) { w.Byte(0x15); w.String(am); }
        if (p.AuthenticationData is { } ad) { w.Byte(0x16); w.Binary(ad); }
        if (p.RequestProblemInformation is { } rpi) { w.Byte(0x17); w.Byte(rpi); }
        if (p.WillDelayInterval is { } wdi) { w.Byte(0x18); w.UInt32(wdi); }
        if (p.RequestResponseInformation is { } rri) { w.Byte(0x19); w.Byte(rri); }
        if (p.ResponseInformation is { } ri) { w.Byte(0x1A); w.String(ri); }
        if (p.ServerReference is { } sr) { w.Byte(0x1C); w.String(sr); }
        if (p.ReasonString is { } rs) { w.Byte(0x1F); w.String(rs); }
        if (p.ReceiveMaximum is { } rm) { w.Byte(0x21); w.UInt16(rm); }
        if (p.TopicAliasMaximum is { } tam) { w.Byte(0x22); w.UInt16(tam); }
        if (p.TopicAlias is { } ta) { w.Byte(0x23); w.UInt16(ta); }
        if (p.MaximumQos is { } mq) { w.Byte(0x24); w.Byte(mq); }
        if (p.RetainAvailable is { } ra) { w.Byte(0x25); w.Byte(ra); }
        if (p.UserProperties is { } ups)
        {
            foreach (var (k, v) in ups)
            {
                w.Byte(0x26);
                w.String(k);
                w.String(v);
            }
        }
        if (p.MaximumPacketSize is { } mps) { w.Byte(0x27); w.UInt32(mps); }
        if (p.WildcardSubscriptionAvailable is { } wsa) { w.Byte(0x28); w.Byte(wsa); }
        if (p.SubscriptionIdentifierAvailable is { } sia) { w.Byte(0x29); w.Byte(sia); }
        if (p.SharedSubscriptionAvailable is { } ssa) { w.Byte(0x2A); w.Byte(ssa); }
    }

    /// <summary>Reads a property block; null when it is empty. Rejects properties not allowed in the context.</summary>
    internal static MqttProperties? Read(ref SpanReader r, PropertyContext context)
    {
        var length = r.VarInt();
        if (length == 0)
        {
            return null;
        }
        if (length > r.Remaining)
        {
            throw new MqttProtocolException("property length is longer than the packet");
        }
        var end = r.Position + length;
        var p = new MqttProperties();
        while (r.Position < end)
        {
            var id = r.VarInt();
            if (!Allowed(id, context))
            {
                // MQTT 2.2.2.2: an identifier that is unknown, or not valid for the packet type, makes a Malformed Packet.
                throw new MqttProtocolException(
                    Known(id)
                        ? $"property 0x{id:X2} is not allowed in {context} (MQTT 2.2.2.2)"
                        : $"unknown property identifier 0x{id:X2} (MQTT 2.2.2.2)");
            }
            switch (id)
            {
                case 0x01: p.PayloadFormatIndicator = Once(p.PayloadFormatIndicator, Bool01(r.Byte(), "payload format indicator"), id); break;
                case 0x02: p.MessageExpiryInterval = Once(p.MessageExpiryInterval, r.UInt32(), id); break;
                case 0x03: p.ContentType = OnceRef(p.ContentType, r.String("content type"), id); break;
                case 0x08: p.ResponseTopic = OnceRef(p.ResponseTopic, r.String("response topic"), id); break;
                case 0x09: p.CorrelationData = OnceRef(p.CorrelationData, r.Binary("correlation data"), id); break;
                case 0x0B:
                    var sid = r.VarInt();
                    if (sid == 0)
                    {
                        throw new MqttProtocolException("subscription identifier 0 is not allowed (MQTT 3.3.2.3.8)", ReasonCodes.ProtocolError);
                    }
                    if (context == PropertyContext.Subscribe && p.SubscriptionIdentifiers is not null)
                    {
                        throw new MqttProtocolException("SUBSCRIBE carries more than one subscription identifier (MQTT 3.8.2.1.2)", ReasonCodes.ProtocolError);
                    }
                    (p.SubscriptionIdentifiers ??= []).Add(sid);
                    break;
                case 0x11: p.SessionExpiryInterval = Once(p.SessionExpiryInterval, r.UInt32(), id); break;
                case 0x12: p.AssignedClientIdentifier = OnceRef(p.AssignedClientIdentifier, r.String("assigned client identifier"), id); break;
                case 0x13: p.ServerKeepAlive = Once(p.ServerKeepAlive, r.UInt16(), id); break;
                case 0x15: p.AuthenticationMethod = OnceRef(p.AuthenticationMethod, r.String("authentication method"), id); break;
                case 0x16: p.AuthenticationData = OnceRef(p.AuthenticationData, r.Binary("authentication data"), id); break;
                case 0x17: p.RequestProblemInformation = Once(p.RequestProblemInformation, Bool01(r.Byte(), "request problem information"), id); break;
                case 0x18: p.WillDelayInterval = Once(p.WillDelayInterval, r.UInt32(), id); break;
                case 0x19: p.RequestResponseInformation = Once(p.RequestResponseInformation, Bool01(r.Byte(), "request response information"), id); break;
                case 0x1A: p.ResponseInformation = OnceRef(p.ResponseInformation, r.String("response information"), id); break;
                case 0x1C: p.ServerReference = OnceRef(p.ServerReference, r.String("server reference"), id); break;
                case 0x1F: p.ReasonString = OnceRef(p.ReasonString, r.String("reason string"), id); break;
                case 0x21:
                    var rm = r.UInt16();
                    if (rm == 0)
                    {
                        throw new MqttProtocolException("receive maximum 0 is not allowed (MQTT 3.1.2.11.3)", ReasonCodes.ProtocolError);
                    }
                    p.ReceiveMaximum = Once(p.ReceiveMaximum, rm, id);
                    break;
                case 0x22: p.TopicAliasMaximum = Once(p.TopicAliasMaximum, r.UInt16(), id); break;
                case 0x23:
                    var ta = r.UInt16();
                    if (ta == 0)
                    {
                        throw new MqttProtocolException("topic alias 0 is not allowed (MQTT 3.3.2.3.4)", ReasonCodes.TopicAliasInvalid);
                    }
                    p.TopicAlias = Once(p.TopicAlias, ta, id);
                    break;
                case 0x24: p.MaximumQos = Once(p.MaximumQos, Bool01(r.Byte(), "maximum QoS"), id); break;
                case 0x25: p.RetainAvailable = Once(p.RetainAvailable, Bool01(r.Byte(), "retain available"), id); break;
                case 0x26: (p.UserProperties ??= []).Add(new(r.String("user property name"), r.String("user property value"))); break;
                case 0x27:
                    var mps = r.UInt32();
                    if (mps == 0)
                    {
                        throw new MqttProtocolException("maximum packet size 0 is not allowed (MQTT 3.1.2.11.4)", ReasonCodes.ProtocolError);
                    }
                    p.MaximumPacketSize = Once(p.MaximumPacketSize, mps, id);
                    break;
                case 0x28: p.WildcardSubscriptionAvailable = Once(p.WildcardSubscriptionAvailable, Bool01(r.Byte(), "wildcard subscription available"), id); break;
                case 0x29: p.SubscriptionIdentifierAvailable = Once(p.SubscriptionIdentifierAvailable, Bool01(r.Byte(), "subscription identifier available"), id); break;
                case 0x2A: p.SharedSubscriptionAvailable = Once(p.SharedSubscriptionAvailable, Bool01(r.Byte(), "shared subscription available"), id); break;
                default: throw new MqttProtocolException($"unknown property identifier 0x{id:X2} (MQTT 2.2.2.2)");
            }
        }
        if (r.Position != end)
        {
            throw new MqttProtocolException("property overruns its declared property length");
        }
        return p;
    }

    private static byte Bool01(byte b, string what) =>
        b <= 1 ? b : throw new MqttProtocolException($"{what} must be 0 or 1, was {b}", ReasonCodes.ProtocolError);

    private static T Once<T>(T? existing, T value, int id)
        where T : struct =>
        existing is null ? value : throw new MqttProtocolException($"property 0x{id:X2} appears twice (MQTT 2.2.2.2)", ReasonCodes.ProtocolError);

    private static T OnceRef<T>(T? existing, T value, int id)
        where T : class =>
        existing is null ? value : throw new MqttProtocolException($"property 0x{id:X2} appears twice (MQTT 2.2.2.2)", ReasonCodes.ProtocolError);

    /// <summary>The property identifiers MQTT 5.0 defines (MQTT 2.2.2.2).</summary>
    private static bool Known(int id) =>
        id is 0x01 or 0x02 or 0x03 or 0x08 or 0x09 or 0x0B or 0x11 or 0x12 or 0x13 or (>= 0x15 and <= 0x1A) or 0x1C or 0x1F or (>= 0x21 and <= 0x2A);

    private static bool Allowed(int id, PropertyContext c) => id switch
    {
        0x01 or 0x02 or 0x03 or 0x08 or 0x09 => c is PropertyContext.Publish or PropertyContext.Will,
        0x0B => c is PropertyContext.Publish or PropertyContext.Subscribe,
        0x11 => c is PropertyContext.Connect or PropertyContext.ConnAck or PropertyContext.Disconnect,
        0x12 or 0x13 or 0x1A or 0x24 or 0x25 or 0x28 or 0x29 or 0x2A => c is PropertyContext.ConnAck,
        0x15 or 0x16 => c is PropertyContext.Connect or PropertyContext.ConnAck or PropertyContext.Auth,
        0x17 or 0x19 => c is PropertyContext.Connect,
        0x18 => c is PropertyContext.Will,
        0x1C => c is PropertyContext.ConnAck or PropertyContext.Disconnect,
        0x1F => c is not (PropertyContext.Connect or PropertyContext.Publish or PropertyContext.Will or PropertyContext.Subscribe or PropertyContext.Unsubscribe),
        0x21 or 0x22 or 0x27 => c is PropertyContext.Connect or PropertyContext.ConnAck,
        0x23 => c is PropertyContext.Publish,
        0x26 => true,
        _ => false,
    };
}
