using System.Net;

namespace CidadesInteligentes.Cloud.Tests.Influx;

/// <summary>
/// An in-memory /write endpoint: records every request body and answers with the scripted responder. The default
/// responder behaves like 1.x: lines containing "poison" are refused with a 400 partial write, the rest are stored.
/// </summary>
internal sealed class FakeInfluxHandler : HttpMessageHandler
{
    private readonly List<string> _bodies = [];
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);

    public Func<int, string, HttpResponseMessage?>? Script { get; set; }

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    public int Requests
    {
        get
        {
            lock (_bodies)
            {
                return _bodies.Count;
            }
        }
    }

    public IReadOnlySet<string> Stored
    {
        get
        {
            lock (_bodies)
            {
                return new HashSet<string>(_stored, StringComparer.Ordinal);
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = await request.Content!.ReadAsStringAsync(ct);
        int n;
        lock (_bodies)
        {
            _bodies.Add(body);
            n = _bodies.Count;
        }
        if (Script?.Invoke(n, body) is { } scripted)
        {
            return scripted;
        }
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var bad = lines.Where(l => l.Contains("poison", StringComparison.Ordinal)).ToList();
        lock (_bodies)
        {
            _stored.UnionWith(lines.Except(bad));
        }
        return bad.Count == 0
            ? new HttpResponseMessage(HttpStatusCode.NoContent)
            : new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent($"{{\"error\":\"partial write: unable to parse '{bad[0]}': invalid field format dropped={bad.Count}\"}}"),
            };
    }
}
