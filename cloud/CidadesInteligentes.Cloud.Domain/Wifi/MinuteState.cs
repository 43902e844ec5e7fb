namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>What a Wi-Fi point was in one minute.</summary>
internal enum MinuteState : byte
{
    NoData = 0,
    Up = 1,
    BackhaulDown = 2,
    PortalDown = 3,
}
