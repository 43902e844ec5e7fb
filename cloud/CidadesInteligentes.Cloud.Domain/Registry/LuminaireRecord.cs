namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>One LED luminaire and the frozen baseline of the legacy lamp it replaced.</summary>
public sealed class LuminaireRecord
{
    public string Id { get; set; } = "";

    /// <summary>Electrical circuit (supply) the luminaire hangs on; used to tell supply loss from communication loss.</summary>
    public string? Circuit { get; set; }

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    /// <summary>Legacy technology, e.g. <c>HPS 150 W</c>.</summary>
    public string LegacyTechnology { get; set; } = "";

    /// <summary>Legacy system power including ballast losses, W.</summary>
    public double BaselineW { get; set; }

    /// <summary>LED nominal system power, W.</summary>
    public double LedW { get; set; }

    public DateOnly? CommissionedOn { get; set; }
}
