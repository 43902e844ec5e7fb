namespace CidadesInteligentes.FirmwareSim.Clock;

/// <summary>
/// Accelerated wall clock: <c>GetUtcNow = Start + (real time elapsed since construction × Speed)</c>, never past
/// <see cref="Until"/>. It only says how far the fleet <em>may</em> have advanced; devices read the
/// <see cref="FleetClock"/> the scheduler moves in whole steps, so their timestamps are exact.
/// Timers created on this provider run in real time (they are used only for MQTT keep-alive and reconnect back-off).
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly long _startTimestamp;

    /// <param name="speed">Simulated seconds per real second; <see cref="double.PositiveInfinity"/> = as fast as possible.</param>
    public SimulatedClock(DateTimeOffset start, double speed, DateTimeOffset? until = null, TimeProvider? real = null)
    {
        if (double.IsNaN(speed) || speed <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "must be positive (or +∞ for unpaced)");
        }
        if (until is { } u && u < start)
        {
            throw new ArgumentOutOfRangeException(nameof(until), until, "must not be before start");
        }
        Start = start.ToUniversalTime();
        Speed = speed;
        Until = until?.ToUniversalTime();
        _real = real ?? System;
        _startTimestamp = _real.GetTimestamp();
    }

    public DateTimeOffset Start { get; }

    public double Speed { get; }

    public DateTimeOffset? Until { get; }

    public bool Unpaced => double.IsPositiveInfinity(Speed);

    /// <summary>Real time elapsed since the clock was created.</summary>
    public TimeSpan RealElapsed => _real.GetElapsedTime(_startTimestamp);

    public override DateTimeOffset GetUtcNow()
    {
        if (Unpaced)
        {
            return Until ?? DateTimeOffset.MaxValue;
        }
        var simTicks = RealElapsed.Ticks * Speed;
        var max = ((Until ?? DateTimeOffset.MaxValue) - Start).Ticks;
        var ticks = simTicks >= max ? max : (long)simTicks;
        return Start.AddTicks(ticks);
    }

    /// <summary>Real time still to wait until the simulated clock reaches <paramref name="target"/> (zero when passed).</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset target)
    {
        if (Unpaced)
        {
            return TimeSpan.Zero;
        }
        var ahead = (target - GetUtcNow()).Ticks / Speed;
        return ahead <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(ahead));
    }

    public override long GetTimestamp() => _real.GetTimestamp();

    public override long TimestampFrequency => _real.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
