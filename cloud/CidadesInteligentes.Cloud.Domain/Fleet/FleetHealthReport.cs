namespace CidadesInteligentes.Cloud.Domain.Fleet;

public sealed class FleetHealthReport
{
    public required IReadOnlyList<DeviceHealth> Devices { get; init; }

    public int Online => Devices.Count(d => d.Online);

    public int Total => Devices.Count;

    public int OnlineIn(string city) => Devices.Count(d => d.Online && d.City == city);

    public int TotalIn(string city) => Devices.Count(d => d.City == city);
}
