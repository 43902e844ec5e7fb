using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>How the HTML report shows numbers and times (pt-BR: "R$ 1.234,56", "95,0 %", "01/06/2026 00:00").</summary>
internal sealed class HtmlFormat(string culture, TimeZoneInfo zone)
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly CultureInfo _c = CultureInfo.GetCultureInfo(culture == "en" ? "en-US" : culture);

    public const string Dash = "—";

    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    public string Number(double? v, int decimals) =>
        v is { } x && double.IsFinite(x) ? x.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), _c) : Dash;

    /// <summary>
    /// <paramref name="v"/> rounded toward the failing side of a threshold it missed: down for a minimum, up for a maximum,
    /// so a figure that failed never prints as the threshold itself (94.998 % is "94,9 %", not "95,0 %").
    /// </summary>
    public string Missed(double? v, int decimals, bool minimum)
    {
        if (v is not { } x || !double.IsFinite(x))
        {
            return Dash;
        }
        var scale = Math.Pow(10, decimals);
        // the nudge keeps a value whose binary form sits just off a printed digit (0.1 + 0.2) where it belongs
        var scaled = minimum ? Math.Floor(x * scale * (1 + 1e-12)) : Math.Ceiling(x * scale * (1 - 1e-12));
        return Number(scaled / scale, decimals);
    }

    public string Kwh(double v) => Number(v, 2) + " kWh";

    public string Brl(double v) => "R$ " + Number(v, 2);

    /// <summary>A fraction shown as a percentage (0.95 → "95,0 %").</summary>
    public string Percent(double? fraction, int decimals = 1) => fraction is { } f ? Number(f * 100, decimals) + " %" : Dash;

    public string Unit(double? v, int decimals, string unit) => v is null ? Dash : Number(v, decimals) + " " + unit;

    public string Time(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, zone).ToString(_c.Name == "pt-BR" ? "dd/MM/yyyy HH:mm" : "yyyy-MM-dd HH:mm", _c);

    public string Integer(long v) => v.ToString("N0", _c);

    public static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz)
            ? tz
            : TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(-3), id, id); // Brazil: no DST since 2019
}
