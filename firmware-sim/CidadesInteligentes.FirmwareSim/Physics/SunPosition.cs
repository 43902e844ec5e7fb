namespace CidadesInteligentes.FirmwareSim.Physics;

/// <summary>
/// Solar elevation from the NOAA general solar position equations (fractional-year series for the equation of
/// time and declination, about ±0.5° accurate) — good enough to drive a photocell, independent of the edge's
/// sunrise/sunset calculator so the simulator does not merely agree with itself.
/// </summary>
public static class SunPosition
{
    /// <summary>Elevation of the sun's centre above the horizon in degrees (negative below), without refraction.</summary>
    public static double ElevationDeg(double latitudeDeg, double longitudeDeg, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var hours = utc.TimeOfDay.TotalHours;
        var daysInYear = DateTime.IsLeapYear(utc.Year) ? 366 : 365;
        var gamma = 2 * Math.PI / daysInYear * (utc.DayOfYear - 1 + ((hours - 12) / 24));
        var eqTimeMin = 229.18 * (0.000075 + (0.001868 * Math.Cos(gamma)) - (0.032077 * Math.Sin(gamma))
            - (0.014615 * Math.Cos(2 * gamma)) - (0.040849 * Math.Sin(2 * gamma)));
        var decl = 0.006918 - (0.399912 * Math.Cos(gamma)) + (0.070257 * Math.Sin(gamma)) - (0.006758 * Math.Cos(2 * gamma))
            + (0.000907 * Math.Sin(2 * gamma)) - (0.002697 * Math.Cos(3 * gamma)) + (0.00148 * Math.Sin(3 * gamma));
        var trueSolarMin = (hours * 60) + eqTimeMin + (4 * longitudeDeg);
        var hourAngle = DegToRad((trueSolarMin / 4) - 180);
        var lat = DegToRad(latitudeDeg);
        var cosZenith = (Math.Sin(lat) * Math.Sin(decl)) + (Math.Cos(lat) * Math.Cos(decl) * Math.Cos(hourAngle));
        var zenith = Math.Acos(Math.Clamp(cosZenith, -1, 1));
        return 90 - RadToDeg(zenith);
    }

    private static double DegToRad(double d) => d * Math.PI / 180;

    private static double RadToDeg(double r) => r * 180 / Math.PI;
}
