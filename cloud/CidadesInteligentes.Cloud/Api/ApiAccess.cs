namespace CidadesInteligentes.Cloud.Api;

/// <summary>Endpoint filters that enforce a minimum role from the presented API key.</summary>
internal static class ApiAccess
{
    public const string CallerItem = "ci.caller";

    /// <summary>
    /// Only callers with <paramref name="role"/> or higher pass; the endpoint's OpenAPI description names the key schemes,
    /// the role and the 401/403 answers (<see cref="OpenApiSecurity"/>).
    /// </summary>
    public static RouteHandlerBuilder Require(this RouteHandlerBuilder builder, ApiRole role) =>
        builder.WithMetadata(new RequiredRole(role)).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var keys = http.RequestServices.GetRequiredService<ApiKeys>();
            var anonymousRead = http.RequestServices.GetRequiredService<Hosting.CloudSettings>().Api.AnonymousRead;
            var (callerRole, name) = keys.Identify(PresentedKey(http.Request));
            if (callerRole == ApiRole.None && anonymousRead && role == ApiRole.Viewer)
            {
                callerRole = ApiRole.Viewer;
            }
            if (callerRole < role)
            {
                return Results.Problem(
                    statusCode: callerRole == ApiRole.None ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden,
                    title: "Not allowed",
                    detail: $"This needs the {role.ToString().ToLowerInvariant()} role; send 'Authorization: Bearer <key>' with a key from the keys file.");
            }
            http.Items[CallerItem] = name;
            return await next(context).ConfigureAwait(false);
        });

    public static string Caller(this HttpContext http) => http.Items[CallerItem] as string ?? "anonymous";

    private static string? PresentedKey(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return auth["Bearer ".Length..].Trim();
        }
        var header = request.Headers["X-Api-Key"].ToString();
        if (header.Length > 0)
        {
            return header;
        }
        // The dashboard's key as a cookie, for reads only: a browser's EventSource (/api/live) cannot send headers. Never
        // for a command or a registry change, so another site cannot make a signed-in browser send one (no CSRF).
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && request.Cookies.TryGetValue(KeyCookie, out var cookie) && cookie.Length > 0)
        {
            return Uri.UnescapeDataString(cookie);
        }
        return null;
    }

    /// <summary>The cookie the dashboard keeps its key in (set by the page after the engineer enters it).</summary>
    public const string KeyCookie = "ci_key";
}

/// <summary>Endpoint metadata: the least role a caller needs.</summary>
internal sealed record RequiredRole(ApiRole Role);
