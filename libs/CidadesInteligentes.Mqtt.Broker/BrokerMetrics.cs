using System.Diagnostics.Metrics;

namespace CidadesInteligentes.Mqtt.Broker;

/// <summary>Broker counters (also exported as System.Diagnostics.Metrics instruments under "CidadesInteligentes.Mqtt.Broker").</summary>
public sealed class BrokerMetrics : IDisposable
{
    private readonly Meter _meter = new("CidadesInteligentes.Mqtt.Broker");
    internal long ConnectionsAcceptedValue;
    internal long ConnectionsRefusedValue;
    internal long ProtocolErrorsValue;
    internal long AuthFailuresValue;
    internal long AclDenialsValue;
    internal long MessagesReceivedValue;
    internal long MessagesDeliveredValue;
    internal long MessagesDroppedValue;
    internal long PacketsTooLargeValue;
    internal long BackpressurePausesValue;
    internal long SlowReaderDisconnectsValue;
    internal long KeepAliveTimeoutsValue;
    internal long SessionTakeoversValue;
    internal long WillsPublishedValue;
    internal int ConnectedValue;

    public BrokerMetrics()
    {
        _meter.CreateObservableGauge("mqtt.broker.connections", () => ConnectedValue);
        _meter.CreateObservableCounter("mqtt.broker.messages.received", () => MessagesReceived);
        _meter.CreateObservableCounter("mqtt.broker.messages.delivered", () => MessagesDelivered);
        _meter.CreateObservableCounter("mqtt.broker.messages.dropped", () => MessagesDropped);
        _meter.CreateObservableCounter("mqtt.broker.protocol_errors", () => ProtocolErrors);
        _meter.CreateObservableCounter("mqtt.broker.packets_too_large", () => PacketsTooLarge);
    }

    public long ConnectionsAccepted => Interlocked.Read(ref ConnectionsAcceptedValue);
    public long ConnectionsRefused => Interlocked.Read(ref ConnectionsRefusedValue);
    public long ProtocolErrors => Interlocked.Read(ref ProtocolErrorsValue);
    public long AuthFailures => Interlocked.Read(ref AuthFailuresValue);
    public long AclDenials => Interlocked.Read(ref AclDenialsValue);
    public long MessagesReceived => Interlocked.Read(ref MessagesReceivedValue);
    public long MessagesDelivered => Interlocked.Read(ref MessagesDeliveredValue);

    /// <summary>Messages dropped because a session queue was full (oldest first), they expired, or they exceed the client's Maximum Packet Size.</summary>
    public long MessagesDropped => Interlocked.Read(ref MessagesDroppedValue);

    /// <summary>
    /// Packets not sent because they exceed the Maximum Packet Size a 5.0 client announced (MQTT 5 §3.1.2.11.4: the
    /// server discards them as if sent): messages (also counted in <see cref="MessagesDropped"/>) and acknowledgements.
    /// </summary>
    public long PacketsTooLarge => Interlocked.Read(ref PacketsTooLargeValue);

    /// <summary>Times a publisher was paused because a subscriber of its message was congested.</summary>
    public long BackpressurePauses => Interlocked.Read(ref BackpressurePausesValue);
    public long SlowReaderDisconnects => Interlocked.Read(ref SlowReaderDisconnectsValue);
    public long KeepAliveTimeouts => Interlocked.Read(ref KeepAliveTimeoutsValue);
    public long SessionTakeovers => Interlocked.Read(ref SessionTakeoversValue);
    public long WillsPublished => Interlocked.Read(ref WillsPublishedValue);
    public int Connected => Volatile.Read(ref ConnectedValue);

    public void Dispose() => _meter.Dispose();
}
