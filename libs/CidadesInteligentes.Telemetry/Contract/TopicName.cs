using System.Diagnostics.CodeAnalysis;

namespace CidadesInteligentes.Telemetry.Contract;

/// <summary>Device kinds of the contract.</summary>
public enum DeviceKind
{
    Luminaire,
    Hotspot,
}

/// <summary>The message streams of one device; telemetry, event and ack each number their own <c>seq</c>.</summary>
public enum TopicStream
{
    Telemetry,
    Event,
    Status,
    Command,
    CommandAck,
}

/// <summary>
/// A parsed <c>ci/v1/{city}/{kind}/{device}/{stream}</c> topic. Parsing checks the shape, the device-id pattern and
/// the IBGE code format; whether the city is one of the 645 is the validator's job (it has a clearer message).
/// </summary>
public readonly record struct TopicName(string City, DeviceKind Kind, string Device, TopicStream Stream)
{
    public const string Root = "ci/v1";

    public static string KindText(DeviceKind kind) => kind == DeviceKind.Luminaire ? "luminaire" : "hotspot";

    public static string StreamText(TopicStream stream) => stream switch
    {
        TopicStream.Telemetry => "telemetry",
        TopicStream.Event => "event",
        TopicStream.Status => "status",
        TopicStream.Command => "cmd",
        _ => "cmd/ack",
    };

    /// <summary>The stream name used in the idempotency key <c>(device, stream, seq)</c>.</summary>
    public string StreamKey => StreamText(Stream);

    /// <summary><c>ci/v1/{city}/{kind}/{device}/</c>: everything a device may publish under.</summary>
    public string DevicePrefix => $"{Root}/{City}/{KindText(Kind)}/{Device}/";

    public override string ToString() => DevicePrefix + StreamText(Stream);

    public static string Build(string city, DeviceKind kind, string device, TopicStream stream) =>
        new TopicName(city, kind, device, stream).ToString();

    public static bool TryParseKind(string? text, out DeviceKind kind)
    {
        switch (text)
        {
            case "luminaire": kind = DeviceKind.Luminaire; return true;
            case "hotspot": kind = DeviceKind.Hotspot; return true;
            default: kind = default; return false;
        }
    }

    public static bool IsValidDeviceId([NotNullWhen(true)] string? id)
    {
        if (id is null || id.Length is < 3 or > 64)
        {
            return false;
        }
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (c == '-' && i > 0);
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsValidCityCode([NotNullWhen(true)] string? city) =>
        city is { Length: 7 } && city.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>Parses a contract topic; false (with <paramref name="error"/>) for anything else.</summary>
    public static bool TryParse(string topic, out TopicName name, out string? error)
    {
        ArgumentNullException.ThrowIfNull(topic);
        name = default;
        error = null;
        // Split on '/' without allocating: every ingested message goes through here; only city and device become strings.
        Span<Range> parts = stackalloc Range[8];
        var t = topic.AsSpan();
        var count = t.Split(parts, '/');
        if (count is < 6 or > 7 || !t[parts[0]].SequenceEqual("ci") || !t[parts[1]].SequenceEqual("v1"))
        {
            error = $"topic '{topic}' is not ci/v1/{{city}}/{{kind}}/{{device}}/{{stream}}";
            return false;
        }
        var city = t[parts[2]];
        if (city.Length != 7 || city.IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            error = $"city '{city}' in topic is not a 7-digit IBGE code";
            return false;
        }
        DeviceKind kind;
        if (t[parts[3]].SequenceEqual("luminaire"))
        {
            kind = DeviceKind.Luminaire;
        }
        else if (t[parts[3]].SequenceEqual("hotspot"))
        {
            kind = DeviceKind.Hotspot;
        }
        else
        {
            error = $"kind '{t[parts[3]]}' in topic must be luminaire or hotspot";
            return false;
        }
        var device = t[parts[4]].ToString();
        if (!IsValidDeviceId(device))
        {
            error = $"device '{device}' in topic does not match [a-z0-9][a-z0-9-]{{2,63}}";
            return false;
        }
        var last = t[parts[5]];
        TopicStream? stream = count == 6
            ? last switch
            {
                "telemetry" => TopicStream.Telemetry,
                "event" => TopicStream.Event,
                "status" => TopicStream.Status,
                "cmd" => TopicStream.Command,
                _ => null,
            }
            : last.SequenceEqual("cmd") && t[parts[6]].SequenceEqual("ack") ? TopicStream.CommandAck : null;
        if (stream is null)
        {
            error = $"stream '{t[parts[5].Start..]}' in topic must be telemetry, event, status, cmd or cmd/ack";
            return false;
        }
        name = new TopicName(city.ToString(), kind, device, stream.Value);
        return true;
    }
}
