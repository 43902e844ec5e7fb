namespace CidadesInteligentes.Mqtt.Broker.Topics;

/// <summary>Members of one "$share/{group}/{filter}" subscription; each message goes to one member, in turn.</summary>
internal sealed class SharedGroup
{
    private readonly List<Subscription> _members = [];
    private int _next;

    public int Count => _members.Count;

    /// <summary>Adds or replaces a member; true when it is new.</summary>
    public bool Set(Subscription subscription)
    {
        var i = _members.FindIndex(m => m.ClientId == subscription.ClientId);
        if (i >= 0)
        {
            _members[i] = subscription;
            return false;
        }
        _members.Add(subscription);
        return true;
    }

    public bool Remove(string clientId) => _members.RemoveAll(m => m.ClientId == clientId) > 0;

    /// <summary>The next member round-robin, skipping offline members unless all are offline.</summary>
    public Subscription? Next(Func<string, bool>? isOnline)
    {
        if (_members.Count == 0)
        {
            return null;
        }
        for (var tried = 0; tried < _members.Count; tried++)
        {
            var candidate = _members[_next++ % _members.Count];
            if (isOnline is null || isOnline(candidate.ClientId))
            {
                return candidate;
            }
        }
        return _members[_next++ % _members.Count];
    }
}
