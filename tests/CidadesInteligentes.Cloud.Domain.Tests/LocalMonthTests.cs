using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class LocalMonthTests
{
    [Fact]
    public void Days_are_local_calendar_days_in_sao_paulo()
    {
        var m = LocalMonth.Parse("2026-06");
        Assert.Equal(30, m.Days);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero), m.Start);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 3, 0, 0, TimeSpan.Zero), m.End);
        Assert.Equal(0, m.DayOf(new DateTimeOffset(2026, 6, 2, 2, 59, 59, TimeSpan.Zero))); // 1 June 23:59:59 local
        Assert.Equal(1, m.DayOf(new DateTimeOffset(2026, 6, 2, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal(-1, m.DayOf(m.Start.AddTicks(-1)));
        Assert.Equal(30, m.DayOf(m.End));
        Assert.Equal("2026-06", m.Label);
    }

    [Fact]
    public void A_historic_daylight_saving_day_is_23_hours_long()
    {
        // Brazil's last DST started on 4 Nov 2018 (midnight skipped to 01:00); the day lasted 23 h
        var m = LocalMonth.Parse("2018-11");
        Assert.Equal(TimeSpan.FromHours(23), m.DayStart(4) - m.DayStart(3));
        Assert.Equal(TimeSpan.FromHours(24), m.DayStart(3) - m.DayStart(2));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-6")]
    [InlineData("26-06")]
    [InlineData("")]
    public void Rejects_malformed_months(string text) => Assert.False(LocalMonth.TryParse(text, "America/Sao_Paulo", out _));
}
