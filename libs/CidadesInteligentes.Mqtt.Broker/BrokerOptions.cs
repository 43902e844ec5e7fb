using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace CidadesInteligentes.Mqtt.Broker;

/// <summary>Listeners and abuse limits of the embedded broker.</summary>
public sealed class BrokerOptions
{
    /// <summary>Address the listeners bind to.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>Plain TCP port (0 = pick a free one; read <see cref="MqttBroker.Port"/> after start; -1 = no TCP listener).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>TLS listener port (-1 = none); requires <see cref="TlsCertificate"/>.</summary>
    public int TlsPort { get; set; } = -1;
    public X509Certificate2? TlsCertificate { get; set; }

    public int MaxPacketSize { get; set; } = 256 * 1024;
    public int MaxConnections { get; set; } = 100_000;

    /// <summary>Receive Maximum announced to clients: QoS 1/2 publishes a client may have unacknowledged towards us.</summary>
    public ushort MaxInflightFromClient { get; set; } = 1024;

    /// <summary>QoS 1/2 messages the broker keeps in flight towards one client (lowered by the client's Receive Maximum).</summary>
    public int MaxInflightToClient { get; set; } = 1024;

    /// <summary>Messages queued per session while the client is offline or its window is full; oldest dropped beyond.</summary>
    public int MaxQueuedPerSession { get; set; } = 100_000;

    /// <summary>
    /// Publisher back-pressure: when a connected subscriber has more than this many QoS 1/2 messages queued behind its
    /// in-flight window, the broker stops reading from the publishers feeding it (for at most 1 s per message) until
    /// the backlog halves, so a flood waits in the publishers' own windows instead of as latency in the broker. 0 = off.
    /// </summary>
    public int PublisherBackpressureQueue { get; set; } = 2_048;

    /// <summary>
    /// Sink back-pressure: calls to the <see cref="IBrokerMessageSink"/> one connection may have pending (not yet
    /// completed) at once, QoS 0 included. At the limit the broker stops reading that connection until its oldest pending
    /// call completes, so a publisher that does not wait for PUBACKs (3.1.1 has no Receive Maximum), or a QoS 0 flood,
    /// waits in its own socket instead of piling up in the broker's memory while the store is slow. Minimum 1.
    /// </summary>
    public int MaxPendingSinkCalls { get; set; } = 1024;

    /// <summary>Packets waiting in one connection's socket queue before the client is judged a slow reader.</summary>
    public int MaxSendQueue { get; set; } = 50_000;

    /// <summary>
    /// MQTT 3.1.1 persistent sessions (clean session = false) not connected for this long are ended with their queue
    /// and subscriptions (like Mosquitto's persistent_client_expiration); null or zero = kept forever (3.1.1 has no
    /// session expiry, so ending one is an administrative choice, hence off by default).
    /// MQTT 5 sessions end after the Session Expiry Interval their client chose.
    /// </summary>
    public TimeSpan? PersistentSessionExpiry { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public ushort TopicAliasMaximum { get; set; } = 64;

    /// <summary>Clock for session/will/message expiry.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
