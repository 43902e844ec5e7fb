using System.Globalization;

namespace CidadesInteligentes.Cloud.Domain;

/// <summary>
/// A calendar month in a municipality's local time zone, with the UTC instant of every local midnight
/// (so a step between two readings can be split between days without per-step time-zone conversions).
/// </summary>
public sealed class LocalMonth
{
    private readonly DateTimeOffset[] _midnights;
    private readonly long[] _midnightTicks;

    public LocalMonth(int year, int month, string timeZone = "America/Sao_Paulo")
    {
        Year = year;
        Month = month;
        Zone = ResolveZone(timeZone);
        Days = DateTime.DaysInMonth(year, month);
        _midnights = new DateTimeOffset[Days + 1];
        var first = new DateOnly(year, month, 1);
        for (var d = 0; d <= Days; d++)
        {
            _midnights[d] = LocalMidnight(first.AddDays(d), Zone);
        }
        _midnightTicks = Array.ConvertAll(_midnights, m => m.UtcTicks);
    }

    public int Year { get; }

    public int Month { get; }

    public int Days { get; }

    public TimeZoneInfo Zone { get; }

    public DateTimeOffset Start => _midnights[0];

    public DateTimeOffset End => _midnights[Days];

    /// <summary><c>YYYY-MM</c>.</summary>
    public string Label => Year.ToString("D4", CultureInfo.InvariantCulture) + "-" + Month.ToString("D2", CultureInfo.InvariantCulture);

    public DateOnly Date(int dayIndex) => new DateOnly(Year, Month, 1).AddDays(dayIndex);

    /// <summary>UTC instant of local 00:00 of day <paramref name="dayIndex"/> (0-based; <see cref="Days"/> is the end).</summary>
    public DateTimeOffset DayStart(int dayIndex) => _midnights[dayIndex];

    /// <summary>0-based local day containing <paramref name="t"/>, or −1 before / <see cref="Days"/> after the month.</summary>
    public int DayOf(DateTimeOffset t) => DayOfTicks(t.UtcTicks);

    /// <summary>UTC ticks of local 00:00 of day <paramref name="dayIndex"/>.</summary>
    internal long DayStartTicks(int dayIndex) => _midnightTicks[dayIndex];

    /// <summary>UTC ticks of every local midnight, <see cref="Days"/> + 1 entries (shared: do not write).</summary>
    internal long[] MidnightTicks => _midnightTicks;

    internal int DayOfTicks(long utcTicks)
    {
        var m = _midnightTicks;
        if (utcTicks < m[0])
        {
            return -1;
        }
        if (utcTicks >= m[Days])
        {
            return Days;
        }
        // local days are ~24 h long; guess then correct (DST days are 23 or 25 h)
        var guess = (int)Math.Min((utcTicks - m[0]) / TimeSpan.TicksPerDay, Days - 1);
        while (guess > 0 && utcTicks < m[guess])
        {
            guess--;
        }
        while (guess < Days - 1 && utcTicks >= m[guess + 1])
        {
            guess++;
        }
        return guess;
    }

    /// <summary>Parses <c>YYYY-MM</c>.</summary>
    /// <summary>What <see cref="TryParse"/> accepts, for error messages.</summary>
    public const string Accepted = "a month YYYY-MM from 2000-01 to 2200-12";

    public static bool TryParse(string? text, string timeZone, out LocalMonth? month)
    {
        month = null;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || y < 2000 || y > 2200 || m < 1 || m > 12)
        {
            return false;
        }
        month = new LocalMonth(y, m, timeZone);
        return true;
    }

    public static LocalMonth Parse(string text, string timeZone = "America/Sao_Paulo") =>
        TryParse(text, timeZone, out var m) ? m! : throw new FormatException($"'{text}' is not a month (YYYY-MM)");

    public override string ToString() => Label;

    internal static TimeZoneInfo ResolveZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz)
            ? tz
            // Brazil has had no daylight saving since 2019; a fixed −03:00 is right when tzdata is absent
            : TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(-3), id, id);

    internal static DateTimeOffset LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // a midnight skipped by DST (old Brazilian rules) starts at 01:00
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
