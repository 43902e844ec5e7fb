using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace CidadesInteligentes.Cloud.Influx;

/// <summary>The three calls of the InfluxDB v1 HTTP API the sink needs: <c>/write</c>, <c>/query</c> and <c>/ping</c>.</summary>
public sealed class InfluxHttp
{
    private readonly HttpClient _http;
    private readonly InfluxSettings _settings;
    private readonly Uri _writeUri;

    public InfluxHttp(HttpClient http, InfluxSettings settings)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        _http = http;
        // a base without a trailing slash would lose its last path segment when "write" is resolved against it
        var root = settings.Url.AbsoluteUri.EndsWith('/') ? settings.Url : new Uri(settings.Url.AbsoluteUri + "/");
        _settings = settings with { Url = root };
        _writeUri = new Uri(root,
            $"write?db={Uri.EscapeDataString(settings.Database)}&precision={LineProtocolWriter.PrecisionText(settings.Precision)}");
    }

    internal async Task<WriteOutcome> WriteAsync(string body, CancellationToken ct)
    {
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "text/plain");
            using var response = await _http.PostAsync(_writeUri, content, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new(WriteStatus.Stored, "");
            }
            var error = await ReadErrorAsync(response, ct).ConfigureAwait(false);
            return response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge
                ? new(WriteStatus.Rejected, error)
                : new(WriteStatus.Transient, error);
        }
        catch (HttpRequestException ex)
        {
            return new(WriteStatus.Transient, ex.Message);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return new(WriteStatus.Transient, "request timed out: " + ex.Message);
        }
    }

    /// <summary><c>CREATE DATABASE</c> (a no-op when it exists).</summary>
    public async Task CreateDatabaseAsync(CancellationToken ct)
    {
        var name = _settings.Database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent([new("q", $"CREATE DATABASE \"{name}\"")]);
        using var response = await _http.PostAsync(new Uri(_settings.Url, "query"), form, ct).ConfigureAwait(false);
        await EnsureResultsAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>Runs an InfluxQL read against the database and returns every series of every statement.</summary>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string influxQl, CancellationToken ct)
    {
        var uri = new Uri(_settings.Url,
            $"query?db={Uri.EscapeDataString(_settings.Database)}&epoch={LineProtocolWriter.PrecisionText(_settings.Precision)}&q={Uri.EscapeDataString(influxQl)}");
        using var response = await _http.GetAsync(uri, ct).ConfigureAwait(false);
        using var doc = await EnsureResultsAsync(response, ct).ConfigureAwait(false);
        var series = new List<InfluxSeries>();
        foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (!result.TryGetProperty("series", out var list))
            {
                continue;
            }
            foreach (var s in list.EnumerateArray())
            {
                series.Add(ReadSeries(s));
            }
        }
        return series;
    }

    /// <summary>True when <c>/ping</c> answers 204.</summary>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(_settings.Url, "ping"), ct).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static InfluxSeries ReadSeries(JsonElement s)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s.TryGetProperty("tags", out var t))
        {
            foreach (var p in t.EnumerateObject())
            {
                tags[p.Name] = p.Value.GetString() ?? "";
            }
        }
        var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
        var rows = new List<IReadOnlyList<JsonElement>>();
        if (s.TryGetProperty("values", out var values))
        {
            foreach (var row in values.EnumerateArray())
            {
                rows.Add(row.EnumerateArray().Select(v => v.Clone()).ToList());
            }
        }
        var name = s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        return new InfluxSeries(name, tags, columns, rows);
    }

    private static async Task<JsonDocument> EnsureResultsAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"InfluxDB answered {(int)response.StatusCode}: {text}"));
        }
        var doc = JsonDocument.Parse(text);
        foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                doc.Dispose();
                throw new InvalidOperationException("InfluxQL error: " + error.GetString());
            }
        }
        return doc;
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e))
            {
                return e.GetString() ?? text;
            }
        }
        catch (JsonException)
        {
            // a proxy in front of the server may answer in HTML or plain text; keep it as it is
        }
        return string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}: {text}");
    }
}
