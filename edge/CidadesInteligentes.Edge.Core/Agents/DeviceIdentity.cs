using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>Who a device is on the wire: its topics all start with <c>ci/v1/{city}/{kind}/{id}/</c>.</summary>
public sealed record DeviceIdentity(string Id, string City, DeviceKind Kind, string Firmware = "1.0.0")
{
    public string Topic(TopicStream stream) => TopicName.Build(City, Kind, Id, stream);

    public string KindText => TopicName.KindText(Kind);

    /// <summary>Birth (<c>online</c>) or clean-shutdown (<c>offline</c>, reason) status.</summary>
    public DeviceStatus Status(string state, DateTimeOffset ts, string? reason = null) => new()
    {
        V = 1,
        State = state,
        Ts = ts,
        Kind = KindText,
        Firmware = Firmware,
        Reason = reason,
    };
}
