using CidadesInteligentes.FirmwareSim.Fleet;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class ProgressPrinterTests
{
    private static FleetProgress At(string utc, long published) =>
        new(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), published, published, 0, 1, 1, TimeSpan.Zero);

    [Fact]
    public void Prints_the_first_report_of_a_new_simulated_day_even_inside_the_throttle_interval()
    {
        var real = new ManualTimeProvider();
        var output = new StringWriter();
        var printer = new ProgressPrinter(output, real);

        printer.Report(At("2026-11-30T23:45:00Z", 10));
        real.Advance(TimeSpan.FromMilliseconds(100));
        printer.Report(At("2026-11-30T23:50:00Z", 11)); // same day, 0.1 s later: throttled
        real.Advance(TimeSpan.FromMilliseconds(100));
        printer.Report(At("2026-12-01T00:05:00Z", 12)); // a new day: printed at once (demo.sh waits for it)
        real.Advance(TimeSpan.FromMilliseconds(100));
        printer.Report(At("2026-12-01T00:10:00Z", 13)); // same day again: throttled

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("2026-11-30 23:45Z  queued 10", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2026-12-01 00:05Z  queued 12", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Prints_again_on_the_same_day_once_the_interval_has_passed()
    {
        var real = new ManualTimeProvider();
        var output = new StringWriter();
        var printer = new ProgressPrinter(output, real);

        printer.Report(At("2026-11-30T10:00:00Z", 1));
        real.Advance(ProgressPrinter.Interval);
        printer.Report(At("2026-11-30T10:15:00Z", 2));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["2026-11-30 10:00Z", "2026-11-30 10:15Z"], lines.Select(l => l[..17]));
    }
}
