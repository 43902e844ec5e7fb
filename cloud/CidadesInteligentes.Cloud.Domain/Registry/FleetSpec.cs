using System.Globalization;

namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>
/// Compact inventory generator: "N identical luminaires and M Wi-Fi points" with ids from the city's prefix.
/// </summary>
public sealed class FleetSpec
{
    public int Luminaires { get; set; }

    public int WifiPoints { get; set; }

    public string LegacyTechnology { get; set; } = "HPS 150 W";

    public double BaselineW { get; set; } = 170;

    public double LedW { get; set; } = 80;

    /// <summary>Luminaires are dealt round-robin onto this many circuits (0 = none).</summary>
    public int Circuits { get; set; }

    public static string LuminaireId(string prefix, int n) => prefix + "-lum-" + n.ToString("D6", CultureInfo.InvariantCulture);

    public static string WifiId(string prefix, int n) => prefix + "-wifi-" + n.ToString("D2", CultureInfo.InvariantCulture);

    public static string CircuitId(string prefix, int n) => prefix + "-c" + n.ToString("D2", CultureInfo.InvariantCulture);
}
