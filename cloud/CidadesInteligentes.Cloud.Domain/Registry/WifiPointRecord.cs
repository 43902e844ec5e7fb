namespace CidadesInteligentes.Cloud.Domain.Registry;

public sealed class WifiPointRecord
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }
}
