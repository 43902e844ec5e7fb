using CidadesInteligentes.FirmwareSim.Physics;

namespace CidadesInteligentes.FirmwareSim.Faults;

/// <summary>
/// One on/off failure of one subject: while inactive it starts with probability <c>1 − e^(−rate × step)</c> per
/// step; once started it lasts a uniform random duration in [min, max]. Deterministic for a given generator.
/// </summary>
public sealed class OutageProcess(SimRandom random, double ratePerDay, TimeSpan min, TimeSpan max)
{
    private DateTimeOffset? _until;

    public int Started { get; private set; }

    public TimeSpan TotalActive { get; private set; }

    public bool Active { get; private set; }

    public DateTimeOffset? ActiveUntil => _until;

    /// <summary>Advances over the step starting at <paramref name="now"/>; returns whether the failure is active in it.</summary>
    public bool Step(DateTimeOffset now, TimeSpan step)
    {
        if (_until is { } u && now >= u)
        {
            _until = null;
        }
        if (_until is null && random.Occurs(ratePerDay, step))
        {
            var duration = min + TimeSpan.FromTicks((long)((max - min).Ticks * random.NextDouble()));
            _until = now + (duration < step ? step : duration);
            Started++;
        }
        Active = _until is not null;
        if (Active)
        {
            TotalActive += step;
        }
        return Active;
    }

    /// <summary>Forces the failure on for <paramref name="duration"/> from <paramref name="now"/> (tests, scripted demos).</summary>
    public void Force(DateTimeOffset now, TimeSpan duration)
    {
        _until = now + duration;
        Started++;
    }
}
