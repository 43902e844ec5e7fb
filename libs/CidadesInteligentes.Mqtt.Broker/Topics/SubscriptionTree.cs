namespace CidadesInteligentes.Mqtt.Broker.Topics;

/// <summary>
/// Subscriptions indexed by filter level so a publish only visits the branches that can match it.
/// Thread-safe; one lock, held for short, allocation-light walks.
/// </summary>
internal sealed class SubscriptionTree
{
    private readonly Lock _gate = new();
    private readonly Node _root = new();

    public int Count { get; private set; }

    /// <summary>Adds or replaces the client's subscription to the filter. Returns true when it is new.</summary>
    public bool Add(Subscription subscription)
    {
        var shared = TopicMatcher.TryParseShared(subscription.Filter, out var group, out var inner);
        lock (_gate)
        {
            var node = Descend(_root, inner, create: true)!;
            bool added;
            if (shared)
            {
                if (!node.Shared.TryGetValue(group, out var members))
                {
                    members = new SharedGroup();
                    node.Shared[group] = members;
                }
                added = members.Set(subscription);
            }
            else
            {
                added = node.Subscribers.TryAdd(subscription.ClientId, subscription);
                node.Subscribers[subscription.ClientId] = subscription;
            }
            if (added)
            {
                Count++;
            }
            return added;
        }
    }

    /// <summary>Removes the client's subscription to the filter; true when there was one.</summary>
    public bool Remove(string clientId, string filter)
    {
        var shared = TopicMatcher.TryParseShared(filter, out var group, out var inner);
        lock (_gate)
        {
            var node = Descend(_root, inner, create: false);
            if (node is null)
            {
                return false;
            }
            bool removed;
            if (shared)
            {
                removed = node.Shared.TryGetValue(group, out var members) && members.Remove(clientId);
                if (removed && members!.Count == 0)
                {
                    node.Shared.Remove(group);
                }
            }
            else
            {
                removed = node.Subscribers.Remove(clientId);
            }
            if (removed)
            {
                Count--;
            }
            return removed;
        }
    }

    /// <summary>
    /// Every delivery for a message on <paramref name="topic"/>. Ordinary subscriptions of one client are merged
    /// into one delivery at the highest QoS; each matching shared group adds one delivery to one member, chosen
    /// round-robin, preferring members for which <paramref name="isOnline"/> is true.
    /// </summary>
    public List<MatchedSubscriber> Match(string topic, string? publisherClientId, Func<string, bool>? isOnline = null)
    {
        var result = new List<MatchedSubscriber>();
        var merged = new Dictionary<string, (int Qos, bool Rap, List<int>? Ids)>(StringComparer.Ordinal);
        lock (_gate)
        {
            var dollar = topic.Length > 0 && topic[0] == '$';
            Walk(_root, topic, 0, dollar, publisherClientId, merged, result, isOnline);
        }
        foreach (var (clientId, m) in merged)
        {
            result.Add(new MatchedSubscriber(clientId, m.Qos, m.Rap, m.Ids ?? (IReadOnlyList<int>)[]));
        }
        return result;
    }

    private static void Walk(
        Node node, string topic, int start, bool dollarTopic, string? publisher,
        Dictionary<string, (int Qos, bool Rap, List<int>? Ids)> merged, List<MatchedSubscriber> shared,
        Func<string, bool>? isOnline)
    {
        var isFirstLevel = start == 0;
        var wildcardsAllowed = !(isFirstLevel && dollarTopic);
        if (wildcardsAllowed && node.Children.TryGetValue("#", out var hash))
        {
            Collect(hash, publisher, merged, shared, isOnline);
        }
        var end = start > topic.Length ? -1 : topic.IndexOf('/', start);
        var level = start > topic.Length ? null : end < 0 ? topic[start..] : topic[start..end];
        if (level is null)
        {
            return;
        }
        var next = end < 0 ? topic.Length + 1 : end + 1;
        if (node.Children.TryGetValue(level, out var exact))
        {
            Visit(exact, topic, next, dollarTopic, publisher, merged, shared, isOnline);
        }
        if (wildcardsAllowed && level != "+" && node.Children.TryGetValue("+", out var plus))
        {
            Visit(plus, topic, next, dollarTopic, publisher, merged, shared, isOnline);
        }
    }

    private static void Visit(
        Node node, string topic, int next, bool dollarTopic, string? publisher,
        Dictionary<string, (int Qos, bool Rap, List<int>? Ids)> merged, List<MatchedSubscriber> shared,
        Func<string, bool>? isOnline)
    {
        if (next > topic.Length)
        {
            // topic exhausted: this node's own subscribers match, and so does a child "#" ("a/#" matches "a")
            Collect(node, publisher, merged, shared, isOnline);
            if (node.Children.TryGetValue("#", out var hash))
            {
                Collect(hash, publisher, merged, shared, isOnline);
            }
            return;
        }
        Walk(node, topic, next, dollarTopic, publisher, merged, shared, isOnline);
    }

    private static void Collect(
        Node node, string? publisher, Dictionary<string, (int Qos, bool Rap, List<int>? Ids)> merged,
        List<MatchedSubscriber> shared, Func<string, bool>? isOnline)
    {
        foreach (var sub in node.Subscribers.Values)
        {
            if (sub.NoLocal && sub.ClientId == publisher)
            {
                continue;
            }
            if (merged.TryGetValue(sub.ClientId, out var m))
            {
                var ids = m.Ids;
                if (sub.SubscriptionId > 0)
                {
                    (ids ??= []).Add(sub.SubscriptionId);
                }
                merged[sub.ClientId] = (Math.Max(m.Qos, sub.Qos), m.Rap || sub.RetainAsPublished, ids);
            }
            else
            {
                merged[sub.ClientId] = (sub.Qos, sub.RetainAsPublished, sub.SubscriptionId > 0 ? [sub.SubscriptionId] : null);
            }
        }
        foreach (var group in node.Shared.Values)
        {
            if (group.Next(isOnline) is { } member)
            {
                shared.Add(new MatchedSubscriber(
                    member.ClientId, member.Qos, RetainAsPublished: false,
                    member.SubscriptionId > 0 ? [member.SubscriptionId] : []));
            }
        }
    }

    private static Node? Descend(Node root, string filter, bool create)
    {
        var node = root;
        foreach (var level in filter.Split('/'))
        {
            if (!node.Children.TryGetValue(level, out var child))
            {
                if (!create)
                {
                    return null;
                }
                child = new Node();
                node.Children[level] = child;
            }
            node = child;
        }
        return node;
    }

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Subscription> Subscribers { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SharedGroup> Shared { get; } = new(StringComparer.Ordinal);
    }
}
