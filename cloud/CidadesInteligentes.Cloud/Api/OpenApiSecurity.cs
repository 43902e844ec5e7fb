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
        }).AddOperationTransformer((operation, context, _) =>
        {
            // every endpoint behind ApiAccess.Require: either scheme, and the role it needs
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredRole>().LastOrDefault() is { } required)
            {
                operation.Security ??= [];
                foreach (var scheme in new[] { BearerScheme, HeaderScheme })
                {
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
                }
                // added here, not as endpoint metadata, which would hide the 200 inferred for the reads
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No key, or a key that is not in the keys file." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key's role is below the one this needs." });
                var role = required.Role.ToString().ToLowerInvariant();
                operation.Description = (operation.Description is { Length: > 0 } d ? d + " " : "") + $"Needs the {role} role" +
                    (required.Role == ApiRole.Viewer ? " (no key while Api:AnonymousRead is true)." : ".");
            }
            return Task.CompletedTask;
        });
}
