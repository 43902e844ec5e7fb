namespace CidadesInteligentes.FirmwareSim.Faults;

/// <summary>
/// How often each failure starts (events per subject per simulated day, a Poisson process) and how long it lasts
/// (uniform between the bounds). Set by <c>--Fault:*</c> (e.g. <c>--Fault:LampFailurePerDay 0.001</c>).
/// </summary>
public sealed record FailureRates
{
    /// <summary>Per luminaire: LEDs or driver die; the lamp stays dark until repaired.</summary>
    public double LampFailurePerDay { get; init; } = 0.0005;
    public TimeSpan LampFailureMin { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan LampFailureMax { get; init; } = TimeSpan.FromDays(5);

    /// <summary>Per luminaire: welded relay, the lamp burns by day.</summary>
    public double DayBurningPerDay { get; init; } = 0.0003;
    public TimeSpan DayBurningMin { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan DayBurningMax { get; init; } = TimeSpan.FromDays(4);

    /// <summary>Per luminaire: the driver trips and restarts.</summary>
    public double CyclingPerDay { get; init; } = 0.0003;
    public TimeSpan CyclingMin { get; init; } = TimeSpan.FromHours(6);
    public TimeSpan CyclingMax { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Per circuit: the whole circuit loses its supply.</summary>
    public double SupplyLossPerDay { get; init; } = 0.01;
    public TimeSpan SupplyLossMin { get; init; } = TimeSpan.FromMinutes(20);
    public TimeSpan SupplyLossMax { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Per device: its own link (cellular/mesh) goes down; it keeps measuring into its outbox.</summary>
    public double LinkOutagePerDay { get; init; } = 0.02;
    public TimeSpan LinkOutageMin { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan LinkOutageMax { get; init; } = TimeSpan.FromMinutes(90);

    /// <summary>Whole fleet: the broker is unreachable for every device.</summary>
    public double BrokerOutagePerDay { get; init; } = 0.02;
    public TimeSpan BrokerOutageMin { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan BrokerOutageMax { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Per hotspot: the backhaul (internet uplink) is down, the hotspot still reports over its management link.</summary>
    public double BackhaulOutagePerDay { get; init; } = 0.05;
    public TimeSpan BackhaulOutageMin { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan BackhaulOutageMax { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>Per hotspot: the captive portal stops answering.</summary>
    public double PortalOutagePerDay { get; init; } = 0.03;
    public TimeSpan PortalOutageMin { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan PortalOutageMax { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// The first N cities each get one non-compliant Wi-Fi point (their 5th, or last when fewer): backhaul outages
    /// <see cref="NonCompliantOutagesPerDay"/> times a day lasting 2–5 h, about 7 h down a day (≈ 70 % available).
    /// </summary>
    public int NonCompliantWifi { get; init; }
    public double NonCompliantOutagesPerDay { get; init; } = 2;
    public TimeSpan NonCompliantOutageMin { get; init; } = TimeSpan.FromHours(2);
    public TimeSpan NonCompliantOutageMax { get; init; } = TimeSpan.FromHours(5);

    /// <summary>No injected failures at all (the physics and the program still run).</summary>
    public static FailureRates None { get; } = new()
    {
        LampFailurePerDay = 0,
        DayBurningPerDay = 0,
        CyclingPerDay = 0,
        SupplyLossPerDay = 0,
        LinkOutagePerDay = 0,
        BrokerOutagePerDay = 0,
        BackhaulOutagePerDay = 0,
        PortalOutagePerDay = 0,
    };
}
