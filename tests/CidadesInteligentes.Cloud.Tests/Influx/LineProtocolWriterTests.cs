using CidadesInteligentes.Cloud.Influx;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

public sealed class LineProtocolWriterTests
{
    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(-0.64, "-0.64")]
    [InlineData(100.0, "100")]
    [InlineData(123456.5, "123456.5")]      // decimal exponent 5 < 6: plain
    [InlineData(1_000_000.0, "1e+06")]       // exponent 6 reaches the threshold
    [InlineData(6632243.0, "6.632243e+06")]
    [InlineData(0.0001, "0.0001")]           // exponent −4: still plain
    [InlineData(0.00001, "1e-05")]           // exponent −5: exponent form, two-digit exponent
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(0.0, "0")]
    public void Floats_use_the_shortest_round_trip_digits_in_go_layout(double value, string expected)
    {
        var w = new LineProtocolWriter();
        w.Begin("m").Field("v", value).End(0);
        Assert.Equal($"m v={expected} 0", w.LastLine());
        Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Tags_are_sorted_by_key_and_integers_carry_i()
    {
        var w = new LineProtocolWriter();
        w.Begin("luminaire_telemetry").Tag("kind", "luminaire").Tag("city", "3550308").Tag("device", "sp-lum-000001")
            .Field("dimPercent", 70L).Field("lampOn", true).Field("powerW", 58.25).End(1_795_348_800L);
        Assert.Equal("luminaire_telemetry,city=3550308,device=sp-lum-000001,kind=luminaire dimPercent=70i,lampOn=true,powerW=58.25 1795348800\n",
            w.ToString());
    }

    [Theory]
    [InlineData(InfluxPrecision.Nanoseconds, 1_795_348_800_123_456_700L)]
    [InlineData(InfluxPrecision.Microseconds, 1_795_348_800_123_456L)]
    [InlineData(InfluxPrecision.Milliseconds, 1_795_348_800_123L)]
    [InlineData(InfluxPrecision.Seconds, 1_795_348_800L)]
    public void Timestamps_are_truncated_to_the_precision(InfluxPrecision precision, long expected)
    {
        // 2026-11-22T12:00:00Z = 20,779 days × 86,400 s + 43,200 s = 1,795,348,800 s since the epoch;
        // plus 0.1234567 s (1,234,567 ticks of 100 ns)
        var time = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        Assert.Equal(expected, LineProtocolWriter.ToTimestamp(time, precision));
    }

    [Fact]
    public void Rejects_what_1x_cannot_store()
    {
        var w = new LineProtocolWriter();
        Assert.Throws<ArgumentException>(() => w.Begin("m").Tag("city", ""));
        w.Cancel();
        Assert.Throws<ArgumentException>(() => w.Begin("m").Field("v", double.NaN));
        w.Cancel();
        Assert.Throws<ArgumentException>(() => w.Begin("m").Tag("t", "a\nb"));
        w.Cancel();
        Assert.Throws<ArgumentException>(() => w.Begin("m").Tag("t", "ends\\"));
        w.Cancel();
        Assert.Throws<InvalidOperationException>(() => w.Begin("m").Tag("t", "x").End(0));
        w.Cancel();
        Assert.Equal("", w.ToString());
        Assert.Equal(0, w.Lines);
    }

    [Fact]
    public void Unsigned_values_are_written_as_1x_integers_while_they_fit()
    {
        var w = new LineProtocolWriter();
        w.Begin("m").Field("u", (ulong)long.MaxValue).End(0);
        Assert.Equal("m u=9223372036854775807i 0", w.LastLine());
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Begin("m").Field("u", (ulong)long.MaxValue + 1));
    }

    [Fact]
    public void Cancel_discards_only_the_open_point()
    {
        var w = new LineProtocolWriter();
        w.Begin("a").Field("v", 1L).End(1);
        w.Begin("b").Tag("t", "x").Field("v", 2L);
        w.Cancel();
        w.Begin("c").Field("s", "say \"hi\" \\o/").End(3);
        Assert.Equal("a v=1i 1\nc s=\"say \\\"hi\\\" \\\\o/\" 3\n", w.ToString());
        Assert.Equal(2, w.Lines);
    }
}
