namespace CidadesInteligentes.Edge.Core.Lighting;

/// <summary>
/// Sunrise, sunset and solar noon by the NOAA solar calculation (the formulas of NOAA's "Solar Calculations"
/// spreadsheet, after Meeus, <i>Astronomical Algorithms</i>), with the sun's position re-evaluated at each event's
/// own time rather than once per day, which keeps the result within seconds of NOAA's online calculator.
/// Sunrise/sunset is when the sun's centre is 0.833° below the horizon (refraction plus the solar radius).
/// Pure and allocation-free apart from the result; no I/O.
/// </summary>
public static class SolarCalculator
{
    private const double ZenithDeg = 90.833;
    private const int Refinements = 3;

    /// <summary>
    /// Sun events of <paramref name="date"/> (the local calendar date) at latitude/longitude in degrees
    /// (south and west negative). <paramref name="utcOffset"/> is the place's standard offset; it only chooses
    /// which UTC day "this date" means and does not change the instants.
    /// </summary>
    public static SolarDay Calculate(double latitudeDeg, double longitudeDeg, DateOnly date, TimeSpan utcOffset)
    {
        if (latitudeDeg is < -90 or > 90 || !double.IsFinite(latitudeDeg))
        {
            throw new ArgumentOutOfRangeException(nameof(latitudeDeg), latitudeDeg, "latitude must be within ±90°");
        }
        if (longitudeDeg is < -180 or > 180 || !double.IsFinite(longitudeDeg))
        {
            throw new ArgumentOutOfRangeException(nameof(longitudeDeg), longitudeDeg, "longitude must be within ±180°");
        }
        // Julian day of the date's local midnight, expressed in UTC.
        var midnightJd = JulianDay(date) - (utcOffset.TotalHours / 24);

        // Solar noon: start at local noon and re-evaluate the equation of time at the estimate.
        var noonMin = 720.0;
        for (var i = 0; i < Refinements; i++)
        {
            var sun = SunAt(midnightJd + (noonMin / 1440));
            noonMin = 720 - (4 * longitudeDeg) - sun.EquationOfTimeMin + utcOffset.TotalMinutes;
        }
        var rise = Event(latitudeDeg, longitudeDeg, midnightJd, utcOffset, noonMin, -1);
        var set = Event(latitudeDeg, longitudeDeg, midnightJd, utcOffset, noonMin, +1);
        return new SolarDay(date, ToUtc(midnightJd, noonMin), rise is { } r ? ToUtc(midnightJd, r) : null, set is { } s ? ToUtc(midnightJd, s) : null);
    }

    /// <summary>Local minutes after midnight of sunrise (<paramref name="sign"/> −1) or sunset (+1); null when the sun does not cross.</summary>
    private static double? Event(double lat, double lon, double midnightJd, TimeSpan offset, double noonMin, int sign)
    {
        var minutes = noonMin;
        for (var i = 0; i < Refinements; i++)
        {
            var sun = SunAt(midnightJd + (minutes / 1440));
            var cosHa = (Cos(ZenithDeg) / (Cos(lat) * Cos(sun.DeclinationDeg))) - (Tan(lat) * Tan(sun.DeclinationDeg));
            if (cosHa is < -1 or > 1)
            {
                return null;
            }
            var haDeg = Deg(Math.Acos(cosHa));
            var noon = 720 - (4 * lon) - sun.EquationOfTimeMin + offset.TotalMinutes;
            minutes = noon + (sign * 4 * haDeg);
        }
        return minutes;
    }

    private static (double DeclinationDeg, double EquationOfTimeMin) SunAt(double julianDay)
    {
        var t = (julianDay - 2451545.0) / 36525.0; // Julian century
        var l0 = Mod360(280.46646 + (t * (36000.76983 + (t * 0.0003032))));
        var m = 357.52911 + (t * (35999.05029 - (0.0001537 * t)));
        var e = 0.016708634 - (t * (0.000042037 + (0.0000001267 * t)));
        var center = (Sin(m) * (1.914602 - (t * (0.004817 + (0.000014 * t)))))
            + (Sin(2 * m) * (0.019993 - (0.000101 * t)))
            + (Sin(3 * m) * 0.000289);
        var omega = 125.04 - (1934.136 * t);
        var apparentLong = l0 + center - 0.00569 - (0.00478 * Sin(omega));
        var meanObliquity = 23 + ((26 + ((21.448 - (t * (46.815 + (t * (0.00059 - (t * 0.001813)))))) / 60)) / 60);
        var obliquity = meanObliquity + (0.00256 * Cos(omega));
        var declination = Deg(Math.Asin(Sin(obliquity) * Sin(apparentLong)));
        var y = Math.Pow(Tan(obliquity / 2), 2);
        var l0r = Rad(l0);
        var mr = Rad(m);
        var eot = 4 * Deg((y * Math.Sin(2 * l0r)) - (2 * e * Math.Sin(mr)) + (4 * e * y * Math.Sin(mr) * Math.Cos(2 * l0r))
            - (0.5 * y * y * Math.Sin(4 * l0r)) - (1.25 * e * e * Math.Sin(2 * mr)));
        return (declination, eot);
    }

    private static double JulianDay(DateOnly date) => date.DayNumber + 1721425.5; // DayNumber 0 = 0001-01-01 (JD 1721425.5)

    private static DateTimeOffset ToUtc(double midnightJd, double localMinutes)
    {
        var jd = midnightJd + (localMinutes / 1440);
        var ticks = (long)Math.Round((jd - 1721425.5) * TimeSpan.TicksPerDay / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private static double Mod360(double x) => ((x % 360) + 360) % 360;

    private static double Rad(double deg) => deg * Math.PI / 180;

    private static double Deg(double rad) => rad * 180 / Math.PI;

    private static double Sin(double deg) => Math.Sin(Rad(deg));

    private static double Cos(double deg) => Math.Cos(Rad(deg));

    private static double Tan(double deg) => Math.Tan(Rad(deg));
}
