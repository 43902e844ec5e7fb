using CidadesInteligentes.Mqtt.Transport;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>Broker connection and drain limits of an <see cref="Uplink"/>. Client id and username are the device id.</summary>
public sealed record UplinkOptions(string Host, int Port, string Password)
{
    /// <summary>TLS to the broker; null for plain TCP.</summary>
    public MqttTls? Tls { get; init; }

    public ushort KeepAliveSeconds { get; init; } = 60;

    /// <summary>Session kept by the broker while the device is away (persistent session).</summary>
    public uint SessionExpirySeconds { get; init; } = 7 * 24 * 3600;

    /// <summary>Sustained drain rate after a reconnect, messages per second.</summary>
    public double DrainPerSecond { get; init; } = 50;

    /// <summary>Burst allowed by the token bucket.</summary>
    public double DrainBurst { get; init; } = 100;

    /// <summary>Unacknowledged publishes at once.</summary>
    public int MaxInFlight { get; init; } = 32;

    /// <summary>
    /// How long a message the broker refused (a PUBACK with a failure reason, e.g. 0x80 while the cloud cannot store) waits
    /// before it is sent again. It stays in the outbox meanwhile; newer messages keep flowing.
    /// </summary>
    public TimeSpan RejectedRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay between failed first-connect attempts; doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between connect attempts, before the first connect and after a drop.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Plain words for a failed first connect (e.g. a refused TLS certificate: which setting to check), logged instead
    /// of the generic message; <c>null</c> keeps the generic one.
    /// </summary>
    public Func<Exception, string?>? DescribeConnectFailure { get; init; }
}
