namespace CidadesInteligentes.Cloud.Domain.Fleet;

/// <summary>One alert: at most one open per device and type; a re-open soon after closing reuses it (Count grows).</summary>
public sealed class Alert
{
    public long Id { get; init; }
    public required string Device { get; init; }
    public required string City { get; init; }
    public required string Type { get; init; }
    public string Scope { get; set; } = "device";
    public bool Active { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? Detail { get; set; }

    /// <summary>How many times the condition was raised while this alert existed (repeats and re-opens).</summary>
    public int Count { get; set; }

    public Alert Copy() => (Alert)MemberwiseClone();
}
