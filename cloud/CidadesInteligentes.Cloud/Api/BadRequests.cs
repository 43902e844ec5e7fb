using System.Text.Json;
using System.Text.RegularExpressions;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>
/// A request whose body or query parameters cannot be read (bad JSON, a wrong type, a number out of range, no body, a
/// body too large, a body that is not sent as JSON) is answered as an <c>application/problem+json</c> that says which
/// part and why, like every other refusal of the API; minimal APIs would otherwise answer a bare status without a word.
/// </summary>
internal static partial class BadRequests
{
    /// <summary>Turns unreadable input into a problem answer, and counts every refused API request (<see cref="ApiCounters"/>).</summary>
    public static void Use(WebApplication app)
    {
        var counters = app.Services.GetRequiredService<ApiCounters>();
        app.Use(async (http, next) =>
        {
            await AnswerAsync(http, next).ConfigureAwait(false);
            if (http.Response.StatusCode is >= 400 and < 500 && http.Request.Path.StartsWithSegments("/api"))
            {
                counters.Refused(http.Response.StatusCode);
            }
        });
    }

    private static async Task AnswerAsync(HttpContext http, RequestDelegate next)
    {
        try
        {
            await next(http).ConfigureAwait(false);
            // a body whose Content-Type is not JSON never reaches the endpoint: routing answers a bare 415 itself
            if (http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !http.Response.HasStarted)
            {
                http.Response.Clear();
                await NotJson(http).ExecuteAsync(http).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            http.Response.Clear();
            var answer = e.StatusCode switch
            {
                StatusCodes.Status415UnsupportedMediaType => NotJson(http), // a body sent without any Content-Type
                >= 400 and < 500 and not StatusCodes.Status400BadRequest =>
                    Results.Problem(statusCode: e.StatusCode, title: "Invalid request", detail: Describe(e)), // e.g. 413 body too large
                _ => ApiEndpoints.Invalid([Describe(e)]),
            };
            await answer.ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    /// <summary>The 415 answer: which content type the body needs and which it came with.</summary>
    private static IResult NotJson(HttpContext http)
    {
        var received = http.Request.ContentType is { Length: > 0 } type ? $"it came as '{type}'" : "it came without a Content-Type";
        return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Invalid request",
            detail: $"this request needs a JSON body sent with Content-Type: application/json; {received}");
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]*) (?<name>[^" ]+)" from "(?<value>[^"]*)"\.""")]
    private static partial Regex QueryValue();

    internal static string Describe(BadHttpRequestException e)
    {
        if (e.InnerException is JsonException json)
        {
            var where = json.Path is { Length: > 0 } p ? p : "$";
            var why = json.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? "the value has the wrong type or is out of range"
                : FirstSentence(json.Message);
            return $"the JSON body cannot be read at {where} (line {(json.LineNumber ?? 0) + 1}): {why}";
        }
        if (QueryValue().Match(e.Message) is { Success: true } m)
        {
            var type = m.Groups["type"].Value.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>');
            var expected = type switch
            {
                "int" or "long" => "a whole number",
                "bool" => "true or false",
                _ => "a " + type,
            };
            return $"parameter '{m.Groups["name"].Value}' is '{m.Groups["value"].Value}', which is not {expected}";
        }
        if (e.StatusCode == StatusCodes.Status400BadRequest && e.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return "this request needs a JSON body (see docs/api.md)";
        }
        return e.Message;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
