using CidadesInteligentes.Mqtt.Broker.Topics;

namespace CidadesInteligentes.Mqtt.Broker;

public sealed partial class MqttBroker
{
    internal void Route(BrokerMessage message, string? publisherClientId) => RouteWithCongestion(message, publisherClientId);

    /// <summary>Routes the message; returns a task to await before reading more from the publisher when a subscriber is congested, else null.</summary>
    internal Task? RouteWithCongestion(BrokerMessage message, string? publisherClientId)
    {
        Task? congestion = null;
        if (message.Retain)
        {
            var sweep = false;
            lock (_retained)
            {
                if (message.Payload.IsEmpty)
                {
                    _retained.Remove(message.Topic);
                }
                else
                {
                    _retained[message.Topic] = message;
                    sweep = message.ExpiresAt is not null && !_retainedSweepScheduled;
                    _retainedSweepScheduled |= sweep;
                }
            }
            if (sweep)
            {
                After(RetainedSweepInterval, SweepRetained);
            }
        }
        var matches = _tree.Match(message.Topic, publisherClientId, IsOnline);
        foreach (var m in matches)
        {
            if (_sessions.TryGetValue(m.ClientId, out var session))
            {
                var qos = Math.Min(message.Qos, m.Qos);
                session.Deliver(message, qos, m.RetainAsPublished && message.Retain, m.SubscriptionIds);
                if (qos > 0 && Options.PublisherBackpressureQueue > 0 && publisherClientId is not null && m.ClientId != publisherClientId)
                {
                    congestion ??= session.Congestion(Options.PublisherBackpressureQueue);
                }
            }
        }
        return congestion;
    }

    /// <summary>How often expired retained messages are removed while any retained message has an expiry.</summary>
    private static readonly TimeSpan RetainedSweepInterval = TimeSpan.FromMinutes(1);

    /// <summary>A sweep is pending (guarded by the lock on <see cref="_retained"/>).</summary>
    private bool _retainedSweepScheduled;

    /// <summary>Removes expired retained messages (no one can receive them any more); again later while some may still expire.</summary>
    private void SweepRetained()
    {
        var now = Options.TimeProvider.GetUtcNow();
        var again = false;
        lock (_retained)
        {
            foreach (var (topic, m) in _retained)
            {
                if (m.ExpiresAt is not { } at)
                {
                    continue;
                }
                if (at <= now)
                {
                    _retained.Remove(topic);
                }
                else
                {
                    again = true;
                }
            }
            _retainedSweepScheduled = again;
        }
        if (again)
        {
            After(RetainedSweepInterval, SweepRetained);
        }
    }

    private bool IsOnline(string clientId) => _sessions.TryGetValue(clientId, out var s) && s.Handler is not null;

    internal bool Subscribe(Session session, Subscription subscription)
    {
        lock (session.Gate)
        {
            session.Subscriptions[subscription.Filter] = subscription;
        }
        return _tree.Add(subscription);
    }

    internal bool Unsubscribe(Session session, string filter)
    {
        lock (session.Gate)
        {
            session.Subscriptions.Remove(filter);
        }
        return _tree.Remove(session.ClientId, filter);
    }

    private void RemoveSubscriptions(Session session)
    {
        List<string> filters;
        lock (session.Gate)
        {
            filters = [.. session.Subscriptions.Keys];
            session.Subscriptions.Clear();
        }
        foreach (var f in filters)
        {
            _tree.Remove(session.ClientId, f);
        }
    }

    internal void SendRetained(Session session, Subscription subscription)
    {
        var matching = new List<BrokerMessage>();
        var now = Options.TimeProvider.GetUtcNow();
        lock (_retained)
        {
            foreach (var (topic, m) in _retained)
            {
                if (!TopicMatcher.Matches(subscription.Filter, topic))
                {
                    continue;
                }
                if (m.ExpiresAt is { } at && at <= now)
                {
                    _retained.Remove(topic); // expired: not delivered, and not kept either
                    continue;
                }
                matching.Add(m);
            }
        }
        foreach (var m in matching)
        {
            session.Deliver(m, Math.Min(m.Qos, subscription.Qos), retain: true, subscription.SubscriptionId > 0 ? [subscription.SubscriptionId] : []);
        }
    }
}
