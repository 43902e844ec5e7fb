namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>One municipality of the programme and the figures its savings and Wi-Fi verdicts are computed from.</summary>
public sealed class CityRecord
{
    /// <summary>7-digit IBGE municipality code.</summary>
    public string Ibge { get; set; } = "";

    public string Name { get; set; } = "";

    public double Latitude { get; set; }

    public double Longitude { get; set; }

    public string TimeZone { get; set; } = "America/Sao_Paulo";

    /// <summary>True when this city's money and inventory figures are examples, not official data.</summary>
    public bool ExampleValues { get; set; }

    /// <summary>Distributor tariff for public lighting (ANEEL B4a, taxes included), R$/kWh.</summary>
    public double TariffBrlPerKwh { get; set; }

    /// <summary>How the distributor bills the lighting: <c>metered</c> or <c>estimated</c>.</summary>
    public string Billing { get; set; } = BillingModes.Estimated;

    /// <summary>ANEEL billing hours per day for this municipality (e.g. 11.45 = 11 h 27).</summary>
    public double AneelHoursPerDay { get; set; } = 11.45;

    public double AnnualRevenueBrl { get; set; }

    /// <summary>Annual CIP/COSIP (public lighting contribution) revenue, R$.</summary>
    public double AnnualCipRevenueBrl { get; set; }

    public double FinancingBrl { get; set; }

    /// <summary>Grid emission factor, tCO2/MWh.</summary>
    public double EmissionFactorTPerMwh { get; set; } = 0.0385;

    public int RequiredWifiPoints { get; set; } = 5;

    public WifiThresholds WifiThresholds { get; set; } = new();

    /// <summary>Prefix of this city's device ids (e.g. <c>sc</c> gives <c>sc-lum-000001</c>, <c>sc-wifi-01</c>).</summary>
    public string DevicePrefix { get; set; } = "";

    /// <summary>Optional generator for a uniform inventory; see <see cref="Expand"/>.</summary>
    public FleetSpec? Fleet { get; set; }

    public List<LuminaireRecord> Luminaires { get; set; } = [];

    public List<WifiPointRecord> WifiPoints { get; set; } = [];

    /// <summary>Audited baseline changes; a baseline is never edited in place.</summary>
    public List<BaselineAdjustment> Adjustments { get; set; } = [];

    public bool IsMetered => string.Equals(Billing, BillingModes.Metered, StringComparison.Ordinal);

    public double MonthlyRevenueBrl => AnnualRevenueBrl / 12;

    public double MonthlyCipRevenueBrl => AnnualCipRevenueBrl / 12;

    /// <summary>A copy whose fleet generator is materialised into luminaires and Wi-Fi points.</summary>
    public CityRecord Expand()
    {
        var copy = (CityRecord)MemberwiseClone();
        copy.Luminaires = [.. Luminaires];
        copy.WifiPoints = [.. WifiPoints];
        copy.Adjustments = [.. Adjustments];
        copy.Fleet = null;
        if (Fleet is null)
        {
            return copy;
        }
        var lumIds = new HashSet<string>(Luminaires.Select(l => l.Id), StringComparer.Ordinal);
        for (var i = 1; i <= Fleet.Luminaires; i++)
        {
            var id = FleetSpec.LuminaireId(DevicePrefix, i);
            if (lumIds.Add(id))
            {
                copy.Luminaires.Add(new LuminaireRecord
                {
                    Id = id,
                    LegacyTechnology = Fleet.LegacyTechnology,
                    BaselineW = Fleet.BaselineW,
                    LedW = Fleet.LedW,
                    Circuit = Fleet.Circuits > 0 ? FleetSpec.CircuitId(DevicePrefix, ((i - 1) % Fleet.Circuits) + 1) : null,
                    // spread around the city centre so maps show something sensible
                    Latitude = Latitude + (((i * 37) % 101) - 50) * 0.0002,
                    Longitude = Longitude + (((i * 53) % 103) - 51) * 0.0002,
                });
            }
        }
        var wifiIds = new HashSet<string>(WifiPoints.Select(w => w.Id), StringComparer.Ordinal);
        for (var i = 1; i <= Fleet.WifiPoints; i++)
        {
            var id = FleetSpec.WifiId(DevicePrefix, i);
            if (wifiIds.Add(id))
            {
                copy.WifiPoints.Add(new WifiPointRecord
                {
                    Id = id,
                    Name = $"{Name} — ponto {i}",
                    Latitude = Latitude + i * 0.001,
                    Longitude = Longitude - i * 0.001,
                });
            }
        }
        return copy;
    }
}
