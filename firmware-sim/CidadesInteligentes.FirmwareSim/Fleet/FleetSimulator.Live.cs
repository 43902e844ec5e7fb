using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.FirmwareSim.Fleet;

public sealed partial class FleetSimulator
{
    /// <summary>
    /// A <c>--Clock:Until live</c> run whose next replay step would be ahead of the wall clock has caught up: from the
    /// step after <paramref name="t"/> the devices report every <see cref="FleetOptions.LiveTelemetryInterval"/> and
    /// the control loop runs at <see cref="FleetOptions.LiveStep"/>. The replay interval (an hour in the demo) is
    /// longer than the cloud's heartbeat timeout, so kept in real time it showed the whole fleet offline minutes
    /// after going live. Returns the new step and interval.
    /// </summary>
    private (TimeSpan Step, TimeSpan Interval) GoLive(DateTimeOffset t)
    {
        var step = _options.LiveStep;
        var interval = _options.LiveTelemetryInterval;
        var replayInterval = _options.TelemetryInterval;
        // the next hourly slot may be most of an hour away: each device is rescheduled within the first live interval
        foreach (var l in _luminaires)
        {
            l.NextReport = t + step + LivePhase(l.Phase, replayInterval, step, interval);
        }
        foreach (var h in _hotspots)
        {
            h.NextReport = t + step + LivePhase(h.Phase, replayInterval, step, interval);
        }
        _logger.LogInformation("caught up with the wall clock at {Time:o}: telemetry every {Interval} (step {Step}) from now on", t, interval, step);
        return (step, interval);
    }

    /// <summary>
    /// A device's phase in the live interval: its place in the replay interval scaled to the live one and rounded down to
    /// a whole live step, so the devices keep reporting spread over the interval, in the same order, and the replay's
    /// random draws (physics and failures of a seed) stay untouched.
    /// </summary>
    internal static TimeSpan LivePhase(TimeSpan replayPhase, TimeSpan replayInterval, TimeSpan liveStep, TimeSpan liveInterval)
    {
        var phases = Math.Max(1, (long)(liveInterval / liveStep));
        var index = Math.Clamp((long)(replayPhase / replayInterval * phases), 0, phases - 1);
        return liveStep * index;
    }
}
