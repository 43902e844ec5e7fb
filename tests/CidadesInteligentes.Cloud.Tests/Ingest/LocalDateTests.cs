using CidadesInteligentes.Cloud.Ingest;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>The roll-up day of a message is its São Paulo calendar date; the ingestor caches it per UTC hour.</summary>
public sealed class LocalDateTests
{
    [Theory]
    // UTC−3 since 2019: 02:59Z is still the previous local day, 03:00Z is local midnight
    [InlineData("2026-11-02T02:59:59Z", "2026-11-01")]
    [InlineData("2026-11-02T03:00:00Z", "2026-11-02")]
    [InlineData("2026-11-02T02:00:00Z", "2026-11-01")]
    // Brazilian summer time in 2018–2019 (UTC−2): local midnight was 02:00Z, so the same hour falls on another day
    [InlineData("2019-01-15T02:30:00Z", "2019-01-15")]
    [InlineData("2019-01-15T01:59:00Z", "2019-01-14")]
    public void Local_date_follows_the_Sao_Paulo_offset_of_that_instant(string utc, string expected)
    {
        var ts = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        // twice: the second answer comes from the per-hour cache and must be the same
        Assert.Equal(expected, Ingestor.LocalDate(ts));
        Assert.Equal(expected, Ingestor.LocalDate(ts.AddSeconds(1 - ts.Second)));
    }
}
