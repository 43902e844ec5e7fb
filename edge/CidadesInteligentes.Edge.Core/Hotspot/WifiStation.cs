namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// One associated Wi-Fi station as the access point reports it. The MAC address is personal data (LGPD): it is only
/// handed to <see cref="UniqueClientCounter"/> and never logged or sent; <see cref="ToString"/> leaves it out.
/// </summary>
public sealed record WifiStation(string Mac, bool Associated, int? SignalDbm, long? InactiveMs, long? ConnectedSeconds)
{
    public override string ToString() =>
        $"WifiStation {{ Associated = {Associated}, SignalDbm = {SignalDbm}, InactiveMs = {InactiveMs}, ConnectedSeconds = {ConnectedSeconds} }}";
}
