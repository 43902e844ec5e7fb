namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>
/// An audited change to a luminaire's baseline (or LED power), effective from a local date. Baselines are frozen
/// at commissioning; only an adjustment, with its reason and approver, changes them.
/// </summary>
public sealed class BaselineAdjustment
{
    public string Device { get; set; } = "";

    /// <summary>First local day the new values apply.</summary>
    public DateOnly EffectiveFrom { get; set; }

    public double BaselineW { get; set; }

    /// <summary>New LED power, or null to keep the inventory value.</summary>
    public double? LedW { get; set; }

    public string Reason { get; set; } = "";

    public string ApprovedBy { get; set; } = "";
}
