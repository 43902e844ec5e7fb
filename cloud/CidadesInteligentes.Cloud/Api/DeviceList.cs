using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CidadesInteligentes.Cloud.Fleet;
using Microsoft.AspNetCore.OpenApi;

namespace CidadesInteligentes.Cloud.Api;

/// <summary>
/// The device list in pages, the counts of its filters and the city map's dots. A big city has hundreds of thousands
/// of luminaires: the dashboard asks for one page of the devices an engineer has to look at first, and the map for
/// what a dot needs, instead of the whole list on every redraw. Without <c>status</c>, <c>sort</c>, <c>limit</c>
/// and <c>offset</c>, <c>GET /api/devices</c> answers the whole list by id as before.
/// </summary>
internal static class DeviceList
{
    public const int MaxLimit = 1000, MaxDots = 10_000, DefaultDots = 2000;
    private static readonly string[] Statuses = ["all", "alert", "offline", "never", "online"];
    private static readonly string[] Sorts = ["id", "attention"];

    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/devices", (string? city, string? status, string? sort, string? limit, string? offset, HttpContext http, RegistryService registry, FleetState fleet) =>
            Page(city, status, sort, limit, offset, http, registry, fleet))
            .WithCityFilter().WithQueryDescriptions(
                ("status", "all (default), alert (open alerts), offline (not online, has reported), never (never reported) or online; a device may match two"),
                ("sort", "id (default, ordinal) or attention: open alerts, then offline after reporting, then online, then never seen; each group by id"),
                ("limit", $"1–{MaxLimit}: at most this many devices (default: all). X-Total-Count has the number matching"),
                ("offset", "0 or more: devices skipped before the page (default 0)"))
            .Require(ApiRole.Viewer);

        api.MapGet("/cities/{ibge}/devices/counts", (string ibge, RegistryService registry, FleetState fleet) =>
            CityFilter.Check(ibge, registry, fleet) ?? Results.Ok(Counts(Snapshot(fleet.DevicesIn(ibge), fleet))))
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).Require(ApiRole.Viewer);

        api.MapGet("/cities/{ibge}/map", (string ibge, string? max, RegistryService registry, FleetState fleet) =>
        {
            var problems = new List<string>();
            var most = Whole(max, "max", 1, MaxDots, problems) ?? DefaultDots;
            if (problems.Count > 0)
            {
                return ApiEndpoints.Invalid(problems);
            }
            return CityFilter.Check(ibge, registry, fleet) ?? Results.Json(Dots(Snapshot(fleet.DevicesIn(ibge), fleet), most), Compact);
        }).WithQueryDescriptions(("max", $"1–{MaxDots}: at most this many dots (default {DefaultDots}); devices with open alerts and offline ones come first"))
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).Require(ApiRole.Viewer);
    }

    /// <summary>One device's state at one moment, read under its lock.</summary>
    internal readonly record struct Entry(DeviceView Device, string Id, string Kind, string? Name, bool Online, bool Seen, int OpenAlerts, bool? LampOn, double? Latitude, double? Longitude)
    {
        public bool Alert => OpenAlerts > 0;

        /// <summary>Offline after reporting: a device that never reported has lost nothing and is <c>never</c>.</summary>
        public bool WentOffline => !Online && Seen;

        /// <summary>The dashboard's order: open alerts, offline after reporting, online, never seen.</summary>
        public int Group => Alert ? 0 : !Seen ? 3 : Online ? 2 : 1;

        public bool Is(string status) => status switch
        {
            "alert" => Alert,
            "offline" => WentOffline,
            "never" => !Seen,
            "online" => Online,
            _ => true,
        };
    }

    private static IResult Page(string? city, string? status, string? sort, string? limit, string? offset, HttpContext http, RegistryService registry, FleetState fleet)
    {
        var problems = new List<string>();
        OneOf(status, "status", Statuses, problems);
        OneOf(sort, "sort", Sorts, problems);
        var take = Whole(limit, "limit", 1, MaxLimit, problems);
        var skip = Whole(offset, "offset", 0, int.MaxValue, problems) ?? 0;
        if (problems.Count > 0)
        {
            return ApiEndpoints.Invalid(problems);
        }
        if (CityFilter.Check(city, registry, fleet) is { } refused)
        {
            return refused;
        }
        var source = city is null ? fleet.Devices : fleet.DevicesIn(city);
        List<DeviceView> matching;
        if (status is null or "all" && sort is null or "id")
        {
            matching = [.. source.OrderBy(d => d.Id, StringComparer.Ordinal)];
        }
        else
        {
            var entries = Snapshot(source, fleet).Where(e => e.Is(status ?? "all"));
            entries = sort == "attention"
                ? entries.OrderBy(e => e.Group).ThenBy(e => e.Id, StringComparer.Ordinal)
                : entries.OrderBy(e => e.Id, StringComparer.Ordinal);
            matching = [.. entries.Select(e => e.Device)];
        }
        http.Response.Headers["X-Total-Count"] = matching.Count.ToString(CultureInfo.InvariantCulture);
        var page = matching.Skip(skip).Take(take ?? int.MaxValue);
        return Results.Ok(page.Select(d => ApiEndpoints.DeviceSummary(d, fleet)).ToList());
    }

    internal static List<Entry> Snapshot(IEnumerable<DeviceView> devices, FleetState fleet)
    {
        var views = devices as IReadOnlyList<DeviceView> ?? [.. devices];
        var alerts = fleet.OpenAlertsOf(views);
        var entries = new List<Entry>(views.Count);
        for (var i = 0; i < views.Count; i++)
        {
            var d = views[i];
            lock (d)
            {
                entries.Add(new Entry(d, d.Id, d.Kind, d.Name, d.Online, d.LastSeen is not null, alerts[i], d.Luminaire?.LampOn, d.Latitude, d.Longitude));
            }
        }
        return entries;
    }

    internal static object Counts(List<Entry> entries) => new
    {
        all = entries.Count,
        alert = entries.Count(e => e.Alert),
        offline = entries.Count(e => e.WentOffline),
        never = entries.Count(e => !e.Seen),
        online = entries.Count(e => e.Online),
    };

    internal sealed record Dot(string Id, string Kind, string? Name, double Lat, double Lon, string State);

    internal sealed record MapView(int Total, int Shown, IReadOnlyList<Dot> Dots);

    /// <summary>
    /// The located devices, at most <paramref name="max"/>: those with open alerts and those offline after reporting
    /// always (up to <paramref name="max"/>), the rest an even sample by id so the dots still cover the whole city.
    /// Dots that matter are listed last, so a map drawing in order puts them on top.
    /// </summary>
    internal static MapView Dots(List<Entry> entries, int max)
    {
        var located = entries.Where(e => e.Latitude is not null && e.Longitude is not null).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        var first = located.Where(e => e.Alert || e.WentOffline).OrderBy(e => e.Alert ? 0 : 1).Take(max).ToList();
        var rest = located.Where(e => !e.Alert && !e.WentOffline).ToList();
        var room = max - first.Count;
        var sample = rest.Count <= room ? rest : [.. Enumerable.Range(0, room).Select(i => rest[(int)((long)i * rest.Count / room)])];
        var dots = sample.Concat(first.AsEnumerable().Reverse()).Select(e => new Dot(e.Id, e.Kind, e.Name, e.Latitude!.Value, e.Longitude!.Value, State(e))).ToList();
        return new MapView(located.Count, dots.Count, dots);
    }

    /// <summary>The map's colour key, as the dashboard colours a device: offline (also never seen), alert, on or off (a Wi-Fi point: on).</summary>
    private static string State(Entry e) => !e.Online ? "offline" : e.Alert ? "alert" : e.Kind == "hotspot" || e.LampOn == true ? "on" : "off";

    private static void OneOf(string? value, string name, string[] accepted, List<string> problems)
    {
        if (value is not null && !accepted.Contains(value, StringComparer.Ordinal))
        {
            problems.Add($"parameter '{name}' is '{value}', which is not one of {string.Join(", ", accepted)}");
        }
    }

    private static int? Whole(string? value, string name, int min, int max, List<string> problems)
    {
        if (value is null)
        {
            return null;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        var range = max == int.MaxValue ? $"{min} or more" : $"from {min} to {max}";
        problems.Add($"parameter '{name}' is '{value}', which is not a whole number {range}");
        return null;
    }

    /// <summary>Describes query parameters bound as text (so a bad value gets this class's answer) in the OpenAPI document.</summary>
    private static RouteHandlerBuilder WithQueryDescriptions(this RouteHandlerBuilder builder, params (string Name, string Text)[] descriptions) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var p in operation.Parameters ?? [])
            {
                if (p is Microsoft.OpenApi.OpenApiParameter parameter && descriptions.FirstOrDefault(d => d.Name == parameter.Name) is { Text: { } text })
                {
                    parameter.Description = text;
                }
            }
            return Task.CompletedTask;
        });
}
