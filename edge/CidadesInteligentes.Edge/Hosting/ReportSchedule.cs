namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// When the worker reports (<c>Telemetry:IntervalSeconds</c>, default 60) and, for a hotspot, which reports also run
/// the HTTP throughput test (<c>Hotspot:ThroughputEveryMinutes</c>, default 60): the first report, then the first one
/// at or after each further period. Both keep to their grid from the start, so a loop that checks late (a slow probe)
/// does not push later reports back; a clock that jumps ahead (NTP) restarts the grid from now instead of bursting
/// reports to catch up, and a clock set back restarts it from now too instead of waiting until the corrected clock
/// reaches the old schedule. Pure: the worker passes its clock's time. Not thread-safe (one worker loop).
/// </summary>
internal sealed class ReportSchedule
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan? _throughputEvery;
    private DateTimeOffset _nextReport;
    private DateTimeOffset _nextThroughput;

    public ReportSchedule(DateTimeOffset start, TimeSpan interval, TimeSpan? throughputEvery = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        if (throughputEvery is { } every)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero, nameof(throughputEvery));
        }
        _interval = interval;
        _throughputEvery = throughputEvery;
        _nextReport = _nextThroughput = start + interval;
    }

    /// <summary>The schedule of the device <paramref name="settings"/> describe, starting at <paramref name="start"/>.</summary>
    public static ReportSchedule For(EdgeSettings settings, DateTimeOffset start) => new(
        start,
        TimeSpan.FromSeconds(settings.Telemetry.IntervalSeconds),
        settings.Device.Kind == "hotspot" ? TimeSpan.FromMinutes(settings.Hotspot.ThroughputEveryMinutes) : null);

    public TimeSpan Interval => _interval;

    /// <summary>
    /// True when a report is due at <paramref name="now"/> (then the next one is scheduled);
    /// <paramref name="throughput"/> says whether this report also runs the throughput test.
    /// </summary>
    public bool TryTake(DateTimeOffset now, out bool throughput)
    {
        throughput = false;
        // More than a period away means the clock was set back (NTP correcting one that ran ahead): waiting for the old
        // schedule would stop telemetry for as long as the clock had been ahead.
        if (_nextReport - now > _interval)
        {
            _nextReport = now + _interval;
        }
        if (_throughputEvery is { } period && _nextThroughput - now > period)
        {
            _nextThroughput = now + period;
        }
        if (now < _nextReport)
        {
            return false;
        }
        _nextReport = Next(_nextReport, _interval, now);
        if (_throughputEvery is { } every && now >= _nextThroughput)
        {
            throughput = true;
            _nextThroughput = Next(_nextThroughput, every, now);
        }
        return true;
    }

    private static DateTimeOffset Next(DateTimeOffset due, TimeSpan period, DateTimeOffset now)
    {
        var next = due + period;
        return next <= now ? now + period : next;
    }
}
