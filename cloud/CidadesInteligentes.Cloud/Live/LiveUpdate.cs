using System.Text;

namespace CidadesInteligentes.Cloud.Live;

/// <summary>One Server-Sent Event: <paramref name="Event"/> is telemetry, status, alert or ack; <paramref name="Json"/> its data.</summary>
internal sealed record LiveUpdate(string Event, string? City, string Json)
{
    /// <summary>Not an event: a comment line that keeps an idle connection open through proxies.</summary>
    public static LiveUpdate Heartbeat { get; } = new("", null, "");

    /// <summary>
    /// The event as it goes on the wire. <see cref="Json"/> may hold line breaks (a device's payload is embedded as
    /// sent, and JSON allows them between tokens); in SSE a line break ends the field and a blank line ends the
    /// event, so every line goes in its own <c>data:</c> field, which the browser joins back with <c>\n</c>.
    /// </summary>
    public string ToSse()
    {
        if (ReferenceEquals(this, Heartbeat))
        {
            return ": heartbeat\n\n";
        }
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
