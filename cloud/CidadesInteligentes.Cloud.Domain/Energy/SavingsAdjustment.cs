namespace CidadesInteligentes.Cloud.Domain.Energy;

/// <summary>Something that changed how a luminaire's figures were computed (meter replaced, baseline adjusted).</summary>
public sealed record SavingsAdjustment(string Device, DateTimeOffset At, string Kind, string Detail)
{
    public const string MeterReplaced = "meterReplaced";
    public const string BaselineChanged = "baselineChanged";
}
