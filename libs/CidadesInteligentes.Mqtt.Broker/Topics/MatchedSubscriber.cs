namespace CidadesInteligentes.Mqtt.Broker.Topics;

/// <summary>
/// One delivery decided by the topic tree: a client, the QoS to deliver at (the highest of its overlapping
/// subscriptions) and every matching subscription identifier.
/// </summary>
internal sealed record MatchedSubscriber(string ClientId, int Qos, bool RetainAsPublished, IReadOnlyList<int> SubscriptionIds);
