using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>Describes the API keys of docs/api.md in the OpenAPI document: a bearer key, or the same key in <c>X-Api-Key</c>.</summary>
internal static class OpenApiSecurity
{
    public const string BearerScheme = "apiKey";
    public const string HeaderScheme = "apiKeyHeader";

    private const string Roles = "A key from the keys file (Api:KeysFile); its role (viewer, operator, admin) decides what it may do.";

    public static OpenApiOptions AddApiKeySchemes(this OpenApiOptions options) =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Authorization: Bearer <key>. " + Roles,
            };
            document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                Name = "X-Api-Key",
                In = ParameterLocation.Header,
                Description = "X-Api-Key: <key>. " + Roles,
            };
            return Task.CompletedTask;
        });
}
