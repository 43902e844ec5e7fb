namespace CidadesInteligentes.FirmwareSim.Clock;

/// <summary>
/// The time every simulated device reads: it stands still between scheduler steps and only moves forward, so all
/// devices of a step share one timestamp and readings come out in simulated-time order. Timers and timestamps
/// (used by MQTT clients for keep-alive) run in real time.
/// </summary>
public sealed class FleetClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves to <paramref name="to"/>; throws when that is in the past.</summary>
    public void AdvanceTo(DateTimeOffset to)
    {
        var now = Interlocked.Read(ref _utcTicks);
        if (to.UtcTicks < now)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, "the fleet clock never goes back");
        }
        Interlocked.Exchange(ref _utcTicks, to.UtcTicks);
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
