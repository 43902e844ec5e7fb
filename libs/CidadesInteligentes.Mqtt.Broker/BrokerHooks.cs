using System.Net;
using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Broker;

/// <summary>An authenticated (or anonymous) connected client as the hooks see it.</summary>
public sealed record BrokerClient(string ClientId, string? Username, MqttProtocolVersion Version, EndPoint? Remote);

/// <summary>A message travelling through the broker. Payload and properties are shared by every delivery.</summary>
public sealed class BrokerMessage
{
    public BrokerMessage(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, MqttProperties? properties = null, DateTimeOffset? expiresAt = null)
    {
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retain = retain;
        Properties = properties;
        ExpiresAt = expiresAt;
    }

    public string Topic { get; }
    public ReadOnlyMemory<byte> Payload { get; }
    public int Qos { get; }
    public bool Retain { get; }

    /// <summary>5.0 application properties (payload format, content type, response topic, correlation data, user properties).</summary>
    public MqttProperties? Properties { get; }

    /// <summary>5.0 message expiry as an absolute time.</summary>
    public DateTimeOffset? ExpiresAt { get; }
}

/// <summary>Checks CONNECT credentials. Returns <see cref="ReasonCodes.Success"/> or a refusal reason code.</summary>
public interface IBrokerAuthenticator
{
    ValueTask<byte> AuthenticateAsync(ConnectPacket connect, EndPoint? remote, CancellationToken ct);
}

/// <summary>Per-client topic ACL.</summary>
public interface IBrokerAuthorizer
{
    bool CanPublish(BrokerClient client, string topic);

    bool CanSubscribe(BrokerClient client, string filter);
}

/// <summary>
/// Receives every message clients publish, in process. For QoS 1/2 the broker acknowledges the publisher only after
/// the returned task completes with <see cref="ReasonCodes.Success"/> (e.g. once the message is durably stored).
/// PUBACKs keep the order of the PUBLISHes on each connection. A connection has at most
/// <see cref="BrokerOptions.MaxPendingSinkCalls"/> calls pending (QoS 0 included); beyond that the broker stops reading
/// it until the oldest call completes. A faulted task counts as a failure: a negative PUBACK for 5.0, and for 3.1.1
/// the connection is closed without a PUBACK so the client sends the message again.
/// </summary>
public interface IBrokerMessageSink
{
    ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct);

    /// <summary>A client connected (after authentication) or disconnected; <paramref name="graceful"/> is false for a lost link.</summary>
    void OnConnectionChanged(BrokerClient client, bool connected, bool graceful)
    {
    }

    /// <summary>The broker published <paramref name="client"/>'s will (link lost, will delay elapsed, or taken over).</summary>
    void OnWillPublished(BrokerClient client, BrokerMessage will)
    {
    }
}
