namespace CidadesInteligentes.Mqtt.Broker.Topics;

/// <summary>MQTT topic filter matching ('+' one level, '#' the rest) with the '$'-topic rule.</summary>
internal static class TopicMatcher
{
    /// <summary>
    /// True when <paramref name="topic"/> matches <paramref name="filter"/>. Topics starting with '$' are not
    /// matched by a filter starting with a wildcard (MQTT 4.7.2).
    /// </summary>
    public static bool Matches(string filter, string topic)
    {
        if (topic.Length > 0 && topic[0] == '$' && filter.Length > 0 && filter[0] is '+' or '#')
        {
            return false;
        }
        var f = filter.AsSpan();
        var t = topic.AsSpan();
        while (true)
        {
            var fEnd = f.IndexOf('/');
            var fLevel = fEnd < 0 ? f : f[..fEnd];
            if (fLevel is "#")
            {
                return true;
            }
            var tEnd = t.IndexOf('/');
            var tLevel = tEnd < 0 ? t : t[..tEnd];
            if (fLevel is not "+" && !fLevel.SequenceEqual(tLevel))
            {
                return false;
            }
            if (fEnd < 0 || tEnd < 0)
            {
                // "a/#" also matches "a": the filter's remaining level is a lone '#'
                return (fEnd < 0 && tEnd < 0) || (tEnd < 0 && f[(fEnd + 1)..] is "#");
            }
            f = f[(fEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }

    /// <summary>Splits "$share/{group}/{filter}" into its parts; false for an ordinary filter.</summary>
    public static bool TryParseShared(string filter, out string group, out string innerFilter)
    {
        group = "";
        innerFilter = filter;
        const string prefix = "$share/";
        if (!filter.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = filter.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }
        var g = rest[..slash];
        if (g.ContainsAny('+', '#'))
        {
            return false;
        }
        group = g.ToString();
        innerFilter = rest[(slash + 1)..].ToString();
        return true;
    }
}
