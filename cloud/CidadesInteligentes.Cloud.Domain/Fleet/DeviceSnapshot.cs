namespace CidadesInteligentes.Cloud.Domain.Fleet;

/// <summary>What the cloud last knew of a device: its retained status and its last sign of life.</summary>
/// <param name="Status"><c>online</c>, <c>offline</c> (birth / will / shutdown) or null if never seen.</param>
/// <param name="StatusReason"><c>shutdown</c> for a clean stop; null for a will.</param>
/// <param name="LastSeen">Receive time of the last telemetry, event or status from the device.</param>
/// <param name="LastVoltageV">Supply voltage in the last luminaire telemetry, if reported.</param>
public sealed record DeviceSnapshot(
    string Id,
    string City,
    string Kind,
    string? Circuit,
    string? Status,
    DateTimeOffset? StatusAt,
    string? StatusReason,
    DateTimeOffset? LastSeen,
    double? LastVoltageV = null);
