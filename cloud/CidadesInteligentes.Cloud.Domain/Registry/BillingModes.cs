namespace CidadesInteligentes.Cloud.Domain.Registry;

public static class BillingModes
{
    /// <summary>The distributor reads a meter on the lighting circuits: dimming savings reach the bill.</summary>
    public const string Metered = "metered";

    /// <summary>The distributor bills inventory load × ANEEL hours (most municipalities).</summary>
    public const string Estimated = "estimated";
}
