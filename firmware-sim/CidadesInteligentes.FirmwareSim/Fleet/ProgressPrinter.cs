using System.Globalization;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>
/// Turns the fleet's progress reports into console lines (<c>2026-11-26 01:15Z  queued …</c>): at most one every
/// <see cref="Interval"/> of real time, but always the first report of each new simulated day. scripts/demo.sh waits
/// for a line dated in the current month; with a time throttle alone, a replay whose last days took less than the
/// interval printed nothing more until the next real-time step, up to a step (15 min) later. Called synchronously by the
/// fleet's scheduler (a <see cref="Progress{T}"/> would post each report to the thread pool, out of order).
/// </summary>
public sealed class ProgressPrinter(TextWriter output, TimeProvider? realClock = null) : IProgress<FleetProgress>
{
    private readonly TimeProvider _real = realClock ?? TimeProvider.System;
    private DateTimeOffset _lastPrint = DateTimeOffset.MinValue;
    private DateOnly? _lastDay;

    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(2);

    public void Report(FleetProgress p)
    {
        var now = _real.GetUtcNow();
        var day = DateOnly.FromDateTime(p.SimulatedTime.UtcDateTime);
        if (now - _lastPrint < Interval && day == _lastDay)
        {
            return;
        }
        _lastPrint = now;
        _lastDay = day;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{p.SimulatedTime:yyyy-MM-dd HH:mm}Z  queued {p.Published}  acked {p.Acked}  pending {p.Pending}  {p.AckedPerSecond:0} msg/s"));
    }
}
