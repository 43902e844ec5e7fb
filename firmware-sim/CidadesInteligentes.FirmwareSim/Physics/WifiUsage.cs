namespace CidadesInteligentes.FirmwareSim.Physics;

/// <summary>
/// Daily pattern of people using a public Wi-Fi point: a share of the point's peak load for each local hour
/// (quiet at night, a lunchtime and an evening peak), sampled with Poisson noise, and the number of new distinct
/// visitors per step (sessions last about <see cref="MeanSessionMinutes"/>, so the clients present are replaced at
/// that rate).
/// </summary>
public static class WifiUsage
{
    public const double MeanSessionMinutes = 30;

    private static readonly double[] HourlyShare =
    [
        0.05, 0.03, 0.02, 0.02, 0.02, 0.05, 0.15, 0.35, 0.50, 0.55, 0.60, 0.75,
        0.90, 0.85, 0.65, 0.60, 0.65, 0.80, 0.95, 1.00, 0.85, 0.60, 0.30, 0.12,
    ];

    /// <summary>Expected stations at a local hour of day (0–23, fractional allowed; linear between hours).</summary>
    public static double ExpectedClients(double localHour, double peakClients)
    {
        var h = ((localHour % 24) + 24) % 24;
        var i = (int)Math.Floor(h);
        var f = h - i;
        var share = (HourlyShare[i] * (1 - f)) + (HourlyShare[(i + 1) % 24] * f);
        return share * peakClients;
    }

    /// <summary>New distinct visitors expected in <paramref name="step"/> with <paramref name="clients"/> present.</summary>
    public static double ExpectedArrivals(double clients, TimeSpan step) => clients * step.TotalMinutes / MeanSessionMinutes;
}
