using System.Security.Cryptography;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>
/// A dashboard asks for the same answers every few seconds (the state overview, the city list, a city's map of up to
/// 2,000 dots); most of the time nothing changed. Each successful GET answer of the API therefore carries an
/// <c>ETag</c> (a hash of its body) and <c>Cache-Control: private, no-cache</c>, so the browser keeps it and asks again
/// with <c>If-None-Match</c>; an unchanged answer is then a <c>304 Not Modified</c> without a body. The server still
/// computes the answer (its caches make that cheap); what is saved is the transfer and the page's work. The live
/// stream (<c>/api/live</c>) is left alone.
/// </summary>
internal static class ConditionalGet
{
    public static void Use(WebApplication app)
    {
        var counters = app.Services.GetRequiredService<ApiCounters>();
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            if (!HttpMethods.IsGet(http.Request.Method) || !path.StartsWithSegments("/api") || path.StartsWithSegments("/api/live"))
            {
                await next(http).ConfigureAwait(false);
                return;
            }
            var original = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await next(http).ConfigureAwait(false);
            }
            finally
            {
                http.Response.Body = original;
            }
            if (http.Response.StatusCode == StatusCodes.Status200OK && !http.Response.HasStarted)
            {
                var tag = Tag(buffer);
                http.Response.Headers.ETag = tag;
                http.Response.Headers.CacheControl = "private, no-cache";
                if (Matches(http.Request.Headers.IfNoneMatch, tag))
                {
                    http.Response.StatusCode = StatusCodes.Status304NotModified;
                    http.Response.ContentLength = null;
                    counters.CountNotModified();
                    return;
                }
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(original, http.RequestAborted).ConfigureAwait(false);
        });
    }

    /// <summary>A strong validator: the first 128 bits of the body's SHA-256, quoted.</summary>
    private static string Tag(MemoryStream body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length), hash);
        return "\"" + Convert.ToBase64String(hash[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";
    }

    /// <summary>Whether <c>If-None-Match</c> names <paramref name="tag"/> (a list, <c>*</c>, or a weak form of it).</summary>
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string tag)
    {
        foreach (var value in ifNoneMatch)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "*" || part == tag || (part.StartsWith("W/", StringComparison.Ordinal) && part[2..] == tag))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
