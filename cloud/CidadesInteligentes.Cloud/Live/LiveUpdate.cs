using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Cloud.Live;

/// <summary>One Server-Sent Event: <paramref name="Event"/> is telemetry, status, event, alert, ack or heartbeat; <paramref name="Json"/> its data.</summary>
internal sealed record LiveUpdate(string Event, string? City, string Json)
{
    /// <summary>
    /// Sent on a quiet stream once per <paramref name="interval"/>: it keeps proxies from closing an idle connection,
    /// and, being an event (a comment never reaches the page), lets the page tell a quiet stream from one a proxy or
    /// NAT dropped without closing. Its data says the interval, so the page knows how long silence may last.
    /// </summary>
    public static LiveUpdate Heartbeat(TimeSpan interval) =>
        new("heartbeat", null, string.Create(CultureInfo.InvariantCulture, $"{{\"intervalMs\":{(long)interval.TotalMilliseconds}}}"));

    /// <summary>
    /// The event as it goes on the wire. <see cref="Json"/> may hold line breaks (a device's payload is embedded as
    /// sent, and JSON allows them between tokens); in SSE a line break ends the field and a blank line ends the
    /// event, so every line goes in its own <c>data:</c> field, which the browser joins back with <c>\n</c>.
    /// </summary>
    public string ToSse()
    {
        var sb = new StringBuilder(Json.Length + Event.Length + 16).Append("event: ").Append(Event).Append('\n');
        var rest = Json.AsSpan();
        while (true)
        {
            var end = rest.IndexOfAny('\r', '\n');
            sb.Append("data: ").Append(end < 0 ? rest : rest[..end]).Append('\n');
            if (end < 0)
            {
                break;
            }
            rest = rest[(end + (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1))..];
        }
        return sb.Append('\n').ToString();
    }
}
