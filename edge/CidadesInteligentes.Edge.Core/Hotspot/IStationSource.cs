namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>Where the current station list comes from (iw, hostapd_cli, or a test double).</summary>
public interface IStationSource
{
    Task<IReadOnlyList<WifiStation>> ReadAsync(CancellationToken cancellationToken);
}
