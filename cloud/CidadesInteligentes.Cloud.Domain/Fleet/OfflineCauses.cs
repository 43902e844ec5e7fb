namespace CidadesInteligentes.Cloud.Domain.Fleet;

public static class OfflineCauses
{
    /// <summary>Many devices of one circuit or city dropped together, or the supply voltage was low.</summary>
    public const string SupplyLoss = "supplyLoss";

    /// <summary>One device dropped on its own: radio, backhaul or the device itself.</summary>
    public const string CommunicationLoss = "communicationLoss";

    /// <summary>The device announced a clean shutdown.</summary>
    public const string Shutdown = "shutdown";
}
