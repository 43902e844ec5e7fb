using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;

namespace CidadesInteligentes.Mqtt.Client;

/// <summary>Everything an <see cref="MqttClient"/> needs to connect and stay connected.</summary>
public sealed class MqttClientOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;
    public string ClientId { get; set; } = "";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public MqttProtocolVersion Version { get; set; } = MqttProtocolVersion.V500;

    /// <summary>False keeps the session (and queued QoS 1/2 messages) on the server across disconnects.</summary>
    public bool CleanStart { get; set; } = true;

    /// <summary>5.0 session expiry; under 3.1.1 a persistent session is <c>CleanStart = false</c>.</summary>
    public uint SessionExpirySeconds { get; set; }
    public ushort KeepAliveSeconds { get; set; } = 60;
    public WillMessage? Will { get; set; }

    /// <summary>TLS settings; null for plain TCP (loopback and tests only).</summary>
    public MqttTls? Tls { get; set; }

    /// <summary>Our own cap on unacknowledged QoS 1/2 publishes; the server's Receive Maximum lowers it further.</summary>
    public int MaxInflight { get; set; } = 256;

    /// <summary>Receive Maximum we announce (5.0): QoS 1/2 messages the server may have unacknowledged towards us.</summary>
    public ushort ReceiveMaximum { get; set; } = 1024;
    public int MaxPacketSize { get; set; } = 1024 * 1024;
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconnect automatically after the first successful connect.</summary>
    public bool AutoReconnect { get; set; } = true;
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock for keep-alive and backoff (tests use a manual one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Capacity of the incoming message channel; when full, reading from the socket pauses.</summary>
    public int IncomingCapacity { get; set; } = 10_000;

    /// <summary>
    /// When true, incoming QoS 1 messages are acknowledged only when the application calls
    /// <see cref="MqttClient.Acknowledge"/> (e.g. after storing them); acknowledgements must follow the order of receipt.
    /// </summary>
    public bool ManualAcknowledge { get; set; }
}

/// <summary>A message delivered to this client.</summary>
public sealed record MqttMessage(string Topic, ReadOnlyMemory<byte> Payload, int Qos, bool Retain, MqttProperties? Properties = null)
{
    /// <summary>Packet id of a QoS 1/2 delivery (used by manual acknowledgement).</summary>
    internal ushort PacketId { get; init; }

    /// <summary>The connection it arrived on: an acknowledgement is only sent on that same connection.</summary>
    internal object? Connection { get; init; }
}

/// <summary>The server refused the connection.</summary>
public sealed class MqttConnectException(byte reasonCode, string message) : Exception(message)
{
    public byte ReasonCode { get; } = reasonCode;
}
