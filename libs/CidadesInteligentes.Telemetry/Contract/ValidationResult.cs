namespace CidadesInteligentes.Telemetry.Contract;

/// <summary>Why a message was rejected; one short code per category, used as a counter label and a dead-letter column.</summary>
public static class RejectReasons
{
    public const string Topic = "topic";
    public const string Size = "size";
    public const string Json = "json";
    public const string Missing = "missing";
    public const string Range = "range";
    public const string Version = "version";
    public const string Clock = "clock";
    public const string City = "city";
    public const string Identity = "identity";
    public const string Direction = "direction";
}

/// <summary>The outcome of validating one MQTT message against the contract.</summary>
public sealed class ValidationResult
{
    private ValidationResult(TopicName topic, object? payload, string? reason, IReadOnlyList<string> problems)
    {
        Topic = topic;
        Payload = payload;
        Reason = reason;
        Problems = problems;
    }

    public bool IsValid => Reason is null;
    public TopicName Topic { get; }

    /// <summary>The typed payload (<see cref="LuminaireTelemetry"/>, <see cref="HotspotTelemetry"/>, …) when valid.</summary>
    public object? Payload { get; }

    /// <summary>The category of the first problem (see <see cref="RejectReasons"/>), null when valid.</summary>
    public string? Reason { get; }

    /// <summary>Every problem found, in plain words.</summary>
    public IReadOnlyList<string> Problems { get; }

    public long? Seq => (Payload as SequencedPayload)?.Seq;

    public DateTimeOffset? Ts => Payload switch
    {
        SequencedPayload s => s.Ts,
        DeviceStatus st => st.Ts,
        _ => null,
    };

    internal static ValidationResult Ok(TopicName topic, object payload) => new(topic, payload, null, []);

    internal static ValidationResult Fail(TopicName topic, string reason, IReadOnlyList<string> problems) => new(topic, null, reason, problems);

    public string Describe() => IsValid ? "valid" : $"{Reason}: {string.Join("; ", Problems)}";
}
