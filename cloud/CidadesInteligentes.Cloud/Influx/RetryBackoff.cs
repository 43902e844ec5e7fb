namespace CidadesInteligentes.Cloud.Influx;

/// <summary>Capped exponential backoff: first, 2×first, 4×first, … never above max.</summary>
public static class RetryBackoff
{
    /// <param name="attempt">1 for the first retry.</param>
    public static TimeSpan Delay(int attempt, TimeSpan first, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        // past 2^30 the product overflows; the cap is reached long before that
        var factor = attempt > 30 ? double.MaxValue : Math.Pow(2, attempt - 1);
        var ticks = first.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
