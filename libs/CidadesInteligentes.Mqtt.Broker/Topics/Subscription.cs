namespace CidadesInteligentes.Mqtt.Broker.Topics;

/// <summary>One client's subscription to a filter, as granted by the broker.</summary>
/// <param name="ClientId">Subscriber.</param>
/// <param name="Filter">The filter as the client sent it (including any "$share/{group}/" prefix).</param>
/// <param name="Qos">Granted maximum QoS (0..2).</param>
/// <param name="NoLocal">5.0: do not deliver the client's own publications.</param>
/// <param name="RetainAsPublished">5.0: keep the RETAIN flag when forwarding.</param>
/// <param name="RetainHandling">5.0: 0 send retained on subscribe, 1 only if new, 2 never.</param>
/// <param name="SubscriptionId">5.0 subscription identifier, 0 when absent.</param>
internal sealed record Subscription(
    string ClientId,
    string Filter,
    int Qos,
    bool NoLocal = false,
    bool RetainAsPublished = false,
    int RetainHandling = 0,
    int SubscriptionId = 0);
