namespace CidadesInteligentes.Cloud.Domain.Wifi;

/// <summary>The minutes a Wi-Fi verdict covers and how long one report stays valid.</summary>
internal sealed record WifiPeriod(LocalMonth Month, int Minutes, long ValidityTicks)
{
    public long StartTicks => Month.Start.UtcTicks;

    public long EndTicks => StartTicks + Minutes * TimeSpan.TicksPerMinute;

    public DateTimeOffset MinuteStart(int k) => new(StartTicks + k * TimeSpan.TicksPerMinute, TimeSpan.Zero);

    /// <summary>Local days the period touches (a partial last day counts).</summary>
    public int Days => Minutes == 0 ? 0 : Month.DayOfTicks(EndTicks - 1) + 1;
}
