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
    public SimulatedClock(DateTimeOffset start, double speed, DateTimeOffset? until = null, TimeProvider? real = null, bool followRealTime = false)
    {
        FollowRealTime = followRealTime;
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

    /// <summary>
    /// Catch up at <see cref="Speed"/> from a past <see cref="Start"/>, then never run ahead of the real clock: once
    /// caught up the fleet lives in real time (the demo replays last month, then keeps the dashboard live).
    /// </summary>
    public bool FollowRealTime { get; }

    /// <summary>
    /// Whether a <see cref="FollowRealTime"/> run has caught up: <paramref name="simulated"/> is past the wall clock, so
    /// reaching it means waiting in real time. Always false for a run with a fixed end.
    /// </summary>
    public bool IsAheadOfRealTime(DateTimeOffset simulated) => FollowRealTime && simulated > _real.GetUtcNow();

    /// <summary>Real time elapsed since the clock was created.</summary>
    public TimeSpan RealElapsed => _real.GetElapsedTime(_startTimestamp);

    public override DateTimeOffset GetUtcNow()
    {
        var cap = Until ?? DateTimeOffset.MaxValue;
        if (FollowRealTime && _real.GetUtcNow() < cap)
        {
            cap = _real.GetUtcNow();
        }
        if (Unpaced)
        {
            return cap;
        }
        var simTicks = RealElapsed.Ticks * Speed;
        var max = (cap - Start).Ticks;
        var ticks = simTicks >= max ? max : (long)simTicks;
        return Start.AddTicks(Math.Max(0, ticks));
    }

    /// <summary>Real time still to wait until the simulated clock reaches <paramref name="target"/> (zero when passed).</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset target)
    {
        if (FollowRealTime && target > _real.GetUtcNow())
        {
            var behind = GetUtcNow();
            var pacedAhead = Unpaced ? 0 : (target - behind).Ticks / Speed;
            return TimeSpan.FromTicks((long)Math.Ceiling(Math.Max(pacedAhead, (target - _real.GetUtcNow()).Ticks)));
        }
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
