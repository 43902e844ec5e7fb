namespace CidadesInteligentes.FirmwareSim.Physics;

/// <summary>
/// Outdoor illuminance (lux) a pole's photocell sees, from the solar elevation and a cloud factor.
/// Clear sky: twilight is interpolated log-linearly between reference points (−12° ≈ 0.008 lx end of nautical
/// twilight, −6° ≈ 3.4 lx end of civil twilight, 0° ≈ 400 lx at sunset); above the horizon
/// <c>400 + 120 000 × sin(h)</c> lx. Clouds multiply by <c>1 − 0.75 × cloudiness</c> (overcast ≈ a quarter of clear sky).
/// </summary>
public static class AmbientLight
{
    public const double NightLux = 0.008;

    private static readonly (double Elevation, double Lux)[] Twilight =
    [
        (-12, NightLux),
        (-6, 3.4),
        (0, 400),
    ];

    public static double ClearSkyLux(double elevationDeg)
    {
        if (elevationDeg <= Twilight[0].Elevation)
        {
            return NightLux;
        }
        if (elevationDeg >= 0)
        {
            return 400 + (120_000 * Math.Sin(elevationDeg * Math.PI / 180));
        }
        for (var i = 1; i < Twilight.Length; i++)
        {
            var (e1, l1) = Twilight[i];
            if (elevationDeg <= e1)
            {
                var (e0, l0) = Twilight[i - 1];
                var f = (elevationDeg - e0) / (e1 - e0);
                return Math.Exp(Math.Log(l0) + (f * (Math.Log(l1) - Math.Log(l0))));
            }
        }
        return 400;
    }

    /// <param name="cloudiness">0 = clear, 1 = overcast.</param>
    public static double Lux(double elevationDeg, double cloudiness) =>
        Math.Clamp(ClearSkyLux(elevationDeg) * (1 - (0.75 * Math.Clamp(cloudiness, 0, 1))), 0, 200_000);
}

/// <summary>
/// Cloudiness of one city: a random level per local day (mostly fair, sometimes overcast) plus a slow hourly
/// wobble, both reproducible from the fleet seed — all poles of a city see the same sky.
/// </summary>
public sealed class CloudModel(long seed, string cityKey)
{
    public double CloudinessAt(DateTimeOffset time)
    {
        var hourIndex = (long)Math.Floor((time.UtcDateTime - DateTime.UnixEpoch).TotalHours);
        var dayIndex = hourIndex / 24;
        var day = new SimRandom(seed, cityKey + "/day/" + dayIndex).NextDouble();
        // a day is overcast 1 time in 4, otherwise fair with a few clouds
        var level = day < 0.25 ? 0.7 + (0.3 * day / 0.25) : 0.3 * (day - 0.25) / 0.75;
        var wobble = (new SimRandom(seed, cityKey + "/hour/" + hourIndex).NextDouble() - 0.5) * 0.2;
        return Math.Clamp(level + wobble, 0, 1);
    }
}
