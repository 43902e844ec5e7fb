using CidadesInteligentes.Cloud.Fleet;
using Microsoft.AspNetCore.OpenApi;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>
/// The <c>?city=</c> filter of the lists. A code that is not 7 digits is a 400 naming the parameter, and a code that
/// neither the registry nor the data knows is a 404 naming it, as <c>/api/cities/{ibge}/…</c> answers: a mistyped IBGE
/// code must not read as a city with nothing to show. A city outside the registry that devices report from (or that
/// alerts or reports still name) is filtered as before, and a registry city without devices answers an empty list.
/// </summary>
internal static class CityFilter
{
    private const string Described = "7-digit IBGE code of a city: one in the registry, or one devices report from. " +
        "A code that is not 7 digits is a 400, a city nothing is known of a 404.";

    /// <summary>null when <paramref name="city"/> may filter the answer (or is absent), else the problem to answer.</summary>
    /// <param name="alsoKnown">Whether the endpoint's own data names a city the registry and the fleet view do not.</param>
    public static IResult? Check(string? city, RegistryService registry, FleetState fleet, Func<string, bool>? alsoKnown = null)
    {
        if (city is null)
        {
            return null;
        }
        if (city.Length != 7 || city.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            return ApiEndpoints.Invalid([$"parameter 'city' is '{city}', which is not a 7-digit IBGE code"]);
        }
        if (registry.City(city) is not null || fleet.HasDevicesIn(city) || alsoKnown?.Invoke(city) == true)
        {
            return null;
        }
        return Unknown(city);
    }

    /// <summary>The 404 of a city code nothing is known of.</summary>
    public static IResult Unknown(string city) => ApiEndpoints.NotFound($"city '{city}' is not in the registry");

    /// <summary>
    /// Describes the <c>city</c> parameter and its 400 and 404 answers in the OpenAPI document. <paramref name="success"/>
    /// is declared too: declared answers replace the 200 that is otherwise inferred. A <paramref name="textType"/> (the
    /// live stream's <c>text/event-stream</c>) is described as text of that type.
    /// </summary>
    public static RouteHandlerBuilder WithCityFilter(this RouteHandlerBuilder builder, int success = StatusCodes.Status200OK, string? textType = null) =>
        (textType is null ? builder.Produces(success) : builder.Produces<string>(success, textType))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                foreach (var p in operation.Parameters ?? [])
                {
                    if (p is Microsoft.OpenApi.OpenApiParameter { Name: "city" } city)
                    {
                        city.Description = Described;
                    }
                }
                return Task.CompletedTask;
            });
}
