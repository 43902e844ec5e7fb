namespace CidadesInteligentes.Cloud.Domain.Fleet;

/// <param name="OfflineSince">Last sign of life of an offline device (null when online or never seen).</param>
/// <param name="Cause">For an offline device: one of <see cref="OfflineCauses"/>; null when online or never seen.</param>
/// <param name="Scope"><c>device</c>, <c>circuit</c> or <c>city</c>: how wide the drop was.</param>
public sealed record DeviceHealth(
    string Id, string City, string Kind, string? Circuit, bool Online, DateTimeOffset? OfflineSince, string? Cause, string Scope);
